import { randomUUID } from 'node:crypto';
import { readlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { JetStreamApiCodes, JetStreamApiError, StorageType, jetstreamManager } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { decodeHolder, describeHolder, encodeHolder, judgeHeldLock, type LockHolder, type LockObservation } from './lock-holder.js';
import { StartupError } from './startup-error.js';

/** File storage: a lock must survive a NATS restart, or a restart would let a second instance in. */
export const LOCK_BUCKET = 'JARVIS_LOCKS';

export class InstanceLockHeld extends StartupError {}

export type LockLog = { log(message: string): void; warn(message: string): void };

/**
 * One single-instance lock per service in a JetStream key-value bucket whose TTL (the stream's max age, since
 * nats-server 2.9 has no per-message TTL) expires a holder that stopped renewing. Renewal is a compare-and-set on
 * the revision, so a holder learns at its next renewal that someone else took the lock.
 */
export class InstanceLocks {
  private constructor(private readonly locks: ServiceLock[]) {}

  static async acquire(nats: NatsConnection, services: readonly string[], ttlSeconds: number, log: LockLog, onLost: (reason: string) => void): Promise<InstanceLocks> {
    if (services.length === 0) return new InstanceLocks([]);
    const kv = await openLockBucket(nats, ttlSeconds * 1000);
    const self = thisProcess();
    const locks = services.map((service) => new ServiceLock(kv, service, self, ttlSeconds * 1000, log, onLost));
    const results = await Promise.allSettled(locks.map((lock) => lock.acquire()));
    const refusals = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as Error] : []));
    if (refusals.length === 0) return new InstanceLocks(locks);
    await Promise.all(locks.map((lock, i) => (results[i]!.status === 'fulfilled' ? lock.release() : undefined)));
    const unexpected = refusals.find((e) => !(e instanceof InstanceLockHeld));
    throw unexpected ?? new InstanceLockHeld(refusals.map((e) => e.message).join('\n'));
  }

  /** Stops renewing and deletes each key at the revision we hold, so a successor starts at once. */
  async release(): Promise<void> {
    await Promise.all(this.locks.map((lock) => lock.release()));
  }
}

class ServiceLock {
  private revision = 0;
  private timer: NodeJS.Timeout | undefined;
  private renewal: Promise<void> = Promise.resolve();
  private stopped = false;
  private failing = false;
  private readonly value: string;

  constructor(
    private readonly kv: KV,
    private readonly service: string,
    private readonly self: LockHolder,
    private readonly ttlMs: number,
    private readonly logger: LockLog,
    private readonly onLost: (reason: string) => void,
  ) {
    this.value = encodeHolder(self);
  }

  async acquire(): Promise<void> {
    const startedAt = Date.now();
    const pollMs = Math.min(500, Math.max(100, this.ttlMs / 20));
    let first: LockObservation = null;
    while (Date.now() - startedAt < this.ttlMs * 2) {
      const created = await this.tryCreate();
      if (created !== null) return this.hold(created);
      const latest = await this.observe();
      if (latest === null) continue;
      first ??= latest;
      const verdict = judgeHeldLock(first, latest, this.self, pidExists, Date.now() - startedAt, this.ttlMs);
      if (verdict.kind === 'refuse') throw this.held(verdict.holder);
      if (verdict.kind === 'take-over') {
        const taken = await this.tryTakeOver(verdict.revision);
        if (taken !== null) {
          this.logger.warn(`instance lock of ${this.service}: took it over from ${describeHolder(latest.holder)}: ${verdict.why}`);
          return this.hold(taken);
        }
      }
      if (verdict.kind === 'wait') await sleep(pollMs);
    }
    throw this.held(first?.holder ?? null);
  }

  async release(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.timer);
    await this.renewal;
    try {
      await this.kv.delete(this.service, { previousSeq: this.revision });
    } catch (error) {
      await this.releaseFailed(error as Error);
    }
  }

  /** A moved revision: the key expired during an outage, or our last renewal landed unacked, or it is not ours. */
  private async releaseFailed(error: Error): Promise<void> {
    const latest = isWrongLastSequence(error) ? await this.observe().catch(() => undefined) : undefined;
    if (latest === null) return;
    if (latest?.holder?.instance === this.self.instance) {
      await this.kv.delete(this.service, { previousSeq: latest.revision }).catch(() => undefined);
      return;
    }
    if (latest) this.logger.warn(`instance lock of ${this.service}: left alone, it is held by ${describeHolder(latest.holder)} now`);
    else this.logger.warn(`instance lock of ${this.service}: not released (${error.message}); it expires on its own`);
  }

  private held(holder: LockHolder | null): InstanceLockHeld {
    return new InstanceLockHeld(
      `${this.service} is already running (instance lock held by ${describeHolder(holder)}): two instances would split its events between them; stop the other one first`,
    );
  }

  private hold(revision: number): void {
    this.revision = revision;
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.renewal = this.renew().finally(() => this.schedule());
    }, this.ttlMs / 3);
  }

  private async renew(): Promise<void> {
    try {
      this.revision = await this.kv.update(this.service, this.value, this.revision, this.ttlMs / 3);
      if (this.failing) this.logger.log(`instance lock of ${this.service}: renewed again`);
      this.failing = false;
    } catch (error) {
      if (isWrongLastSequence(error)) return this.reclaim().catch((e: Error) => this.renewalFailed(e));
      this.renewalFailed(error as Error);
    }
  }

  /** The revision moved: our own update may have landed without its ack, or the key expired during an outage. */
  private async reclaim(): Promise<void> {
    const latest = await this.observe();
    if (latest?.holder?.instance === this.self.instance) {
      this.revision = latest.revision;
      return;
    }
    const created = latest === null ? await this.tryCreate() : null;
    if (created !== null) {
      this.logger.warn(`instance lock of ${this.service}: it expired while NATS was unreachable; nobody else took it, holding it again`);
      this.revision = created;
      return;
    }
    this.stopped = true;
    this.onLost(`${this.service} lost its instance lock to ${describeHolder(latest?.holder ?? null)}: another instance is consuming its events, so this one stops now`);
  }

  private renewalFailed(error: Error): void {
    if (!this.failing) this.logger.warn(`instance lock of ${this.service}: cannot renew it yet (${error.message}); retrying every ${Math.round(this.ttlMs / 3000)} s`);
    this.failing = true;
  }

  private async observe(): Promise<LockObservation> {
    const entry = await this.kv.get(this.service);
    if (!entry || entry.operation !== 'PUT') return null;
    return { revision: entry.revision, holder: decodeHolder(entry.string()) };
  }

  private async tryCreate(): Promise<number | null> {
    return this.kv.create(this.service, this.value).catch((error: unknown) => (isWrongLastSequence(error) ? null : Promise.reject(error)));
  }

  private async tryTakeOver(revision: number): Promise<number | null> {
    return this.kv.update(this.service, this.value, revision).catch((error: unknown) => (isWrongLastSequence(error) ? null : Promise.reject(error)));
  }
}

async function openLockBucket(nats: NatsConnection, ttlMs: number): Promise<KV> {
  const kv = await new Kvm(nats).create(LOCK_BUCKET, { ttl: ttlMs, storage: StorageType.File, history: 1 });
  if ((await kv.status()).ttl === ttlMs) return kv;
  // An existing bucket keeps the TTL it was made with; the configured one must win, or renewals could come too late.
  const jsm = await jetstreamManager(nats);
  const { config } = await jsm.streams.info(`KV_${LOCK_BUCKET}`);
  await jsm.streams.update(config.name, { ...config, max_age: ttlMs * 1_000_000, duplicate_window: Math.min(ttlMs, 120_000) * 1_000_000 });
  return kv;
}

function thisProcess(): LockHolder {
  return { instance: randomUUID(), host: hostname(), pid: process.pid, pidNamespace: pidNamespace(), since: new Date().toISOString() };
}

function pidNamespace(): string | null {
  try {
    return readlinkSync('/proc/self/ns/pid');
  } catch {
    return null;
  }
}

function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isWrongLastSequence(error: unknown): boolean {
  return error instanceof JetStreamApiError && (error.code === JetStreamApiCodes.StreamWrongLastSequence || error.code === JetStreamApiCodes.StreamWrongLastSequenceUnknown);
}
