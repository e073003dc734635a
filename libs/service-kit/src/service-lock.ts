import { setTimeout as sleep } from 'node:timers/promises';
import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';
import type { KV } from '@nats-io/kv';
import { decodeHolder, describeHolder, encodeHolder, judgeHeldLock, type LockHolder, type LockObservation } from './lock-holder.js';
import { StartupError } from './startup-error.js';

export class InstanceLockHeld extends StartupError {}

export type LockLog = { log(message: string): void; warn(message: string): void };

/** One service's key in the lock bucket: acquired once, renewed every TTL/3 by compare-and-set, released at a clean stop. */
export class ServiceLock {
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
    /** Creates the bucket again when it is gone (a memory bucket does not survive a NATS restart); a no-op otherwise. */
    private readonly reopenBucket: () => Promise<unknown>,
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
      await this.reopenBucket().then(
        () => this.reclaim().catch((e: Error) => this.renewalFailed(e)),
        () => this.renewalFailed(error as Error),
      );
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
      this.logger.warn(`instance lock of ${this.service}: it expired or NATS restarted; nobody else took it, holding it again`);
      this.revision = created;
      return;
    }
    const taker = latest ?? (await this.observe());
    this.stopped = true;
    this.onLost(`${this.service} lost its instance lock to ${describeHolder(taker?.holder ?? null)}: another instance is consuming its events, so this one stops now`);
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
