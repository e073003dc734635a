import { randomUUID } from 'node:crypto';
import { readlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { StorageType, jetstreamManager } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import type { LockHolder } from './lock-holder.js';
import { InstanceLockHeld, ServiceLock, type LockLog } from './service-lock.js';

export { InstanceLockHeld, type LockLog };

/**
 * Memory storage: a full JetStream file store must not keep Jarvis from starting and reporting it (every append would
 * fail, and the health says so). The price: a NATS restart empties the bucket; each holder takes its key again at its
 * next renewal, and one that finds another instance got there first in that window exits at once.
 */
export const LOCK_BUCKET = 'JARVIS_LOCKS';

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
    const reopen = () => openLockBucket(nats, ttlSeconds * 1000);
    const locks = services.map((service) => new ServiceLock(kv, service, self, ttlSeconds * 1000, log, onLost, reopen));
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

async function openLockBucket(nats: NatsConnection, ttlMs: number): Promise<KV> {
  const kv = await new Kvm(nats).create(LOCK_BUCKET, { ttl: ttlMs, storage: StorageType.Memory, history: 1 });
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
