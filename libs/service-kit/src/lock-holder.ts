/**
 * Who holds a service's single-instance lock, and what a starting instance may conclude about it. Pure logic: the
 * key-value calls and the clock live in `instance-lock.ts`.
 */
export type LockHolder = {
  /** Random per process start, so a restarted process with a recycled PID is not mistaken for its predecessor. */
  instance: string;
  host: string;
  pid: number;
  /** `/proc/self/ns/pid`: PIDs only mean something inside the same PID namespace. */
  pidNamespace: string | null;
  since: string;
};

/** What a starting instance saw in the lock's key: nothing, or a revision and (if readable) its holder. */
export type LockObservation = { revision: number; holder: LockHolder | null } | null;

export type LockVerdict =
  | { kind: 'create' }
  | { kind: 'take-over'; revision: number; why: string }
  | { kind: 'refuse'; holder: LockHolder | null }
  | { kind: 'wait' };

export function encodeHolder(holder: LockHolder): string {
  return JSON.stringify(holder);
}

/** Anything else in the key (a hand-written value, an older format) is an unknown holder, never an error. */
export function decodeHolder(text: string): LockHolder | null {
  try {
    const value = JSON.parse(text) as Record<string, unknown>;
    const { instance, host, pid, pidNamespace, since } = value;
    if (typeof instance !== 'string' || typeof host !== 'string' || typeof since !== 'string') return null;
    if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0) return null;
    if (pidNamespace !== null && typeof pidNamespace !== 'string') return null;
    return { instance, host, pid, pidNamespace, since };
  } catch {
    return null;
  }
}

export function describeHolder(holder: LockHolder | null): string {
  return holder ? `host ${holder.host}, pid ${holder.pid}, since ${holder.since}` : 'an unreadable holder';
}

/**
 * A holder is provably dead only from this host: our own PID under another instance id is our predecessor (a
 * container restarted with the same hostname gets the same PID), and a PID that no longer exists in our PID
 * namespace is gone. Anything else might be alive.
 */
export function provablyDead(holder: LockHolder, self: LockHolder, pidExists: (pid: number) => boolean): string | null {
  if (holder.host !== self.host || holder.instance === self.instance) return null;
  if (holder.pid === self.pid) return `its pid ${holder.pid} is this process now`;
  if (holder.pidNamespace === null || holder.pidNamespace !== self.pidNamespace) return null;
  return pidExists(holder.pid) ? null : `pid ${holder.pid} no longer exists on this host`;
}

/**
 * One step of a starting instance facing a held lock. A holder that renews (the revision moves) is alive: refuse.
 * A provably dead one is taken over at once. Otherwise wait: a silent holder's entry expires with the bucket's
 * TTL; if it somehow outlives 1.5 TTL unrenewed, nobody is renewing it, so take it over.
 */
export function judgeHeldLock(
  first: NonNullable<LockObservation>,
  latest: LockObservation,
  self: LockHolder,
  pidExists: (pid: number) => boolean,
  waitedMs: number,
  ttlMs: number,
): LockVerdict {
  if (latest === null) return { kind: 'create' };
  if (latest.revision !== first.revision) return { kind: 'refuse', holder: latest.holder };
  const dead = latest.holder ? provablyDead(latest.holder, self, pidExists) : null;
  if (dead) return { kind: 'take-over', revision: latest.revision, why: dead };
  if (waitedMs >= ttlMs * 1.5) return { kind: 'take-over', revision: latest.revision, why: `it was not renewed for ${Math.round(waitedMs / 1000)} s` };
  return { kind: 'wait' };
}
