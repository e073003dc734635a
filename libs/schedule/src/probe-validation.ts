import type { Probe } from './probe.js';
import type { ProbeSchedulerOptions } from './probe-scheduler.js';

/** setTimeout's own limit: a longer delay would fire at once. */
const MAX_TIMER_MS = 2_147_483_647;
const MAX_KEY_LENGTH = 256;
const MAX_CONCURRENCY = 10_000;

export function assertProbe<R>(probe: Probe<R>): void {
  const key: unknown = probe.key;
  if (typeof key !== 'string' || key.length === 0 || key.length > MAX_KEY_LENGTH) {
    throw new TypeError(`probe key: must be a string of 1 to ${MAX_KEY_LENGTH} characters (got ${describe(key)})`);
  }
  const where = `probe ${JSON.stringify(key)}`;
  assertInteger(`${where}: intervalMs`, probe.intervalMs, 1, MAX_TIMER_MS);
  assertInteger(`${where}: timeoutMs`, probe.timeoutMs, 1, MAX_TIMER_MS);
  if (typeof probe.run !== 'function') throw new TypeError(`${where}: run must be a function`);
}

export function assertSchedulerOptions<R>(options: ProbeSchedulerOptions<R>): void {
  assertInteger('ProbeScheduler concurrency', options.concurrency, 1, MAX_CONCURRENCY);
  const jitter = options.jitterFraction;
  if (typeof jitter !== 'number' || !Number.isFinite(jitter) || jitter < 0 || jitter > 1) {
    throw new RangeError(`ProbeScheduler jitterFraction: must be a number from 0 to 1 (got ${describe(jitter)})`);
  }
  if (options.stopGraceMs !== undefined) assertInteger('ProbeScheduler stopGraceMs', options.stopGraceMs, 0, MAX_TIMER_MS);
}

function assertInteger(name: string, value: unknown, min: number, max: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name}: must be an integer from ${min} to ${max} (got ${describe(value)})`);
  }
}

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}
