/** A check with no event source, run on an interval by the ProbeScheduler. */
export interface Probe<R> {
  /** Unique among scheduled probes, e.g. the target and check it serves. */
  readonly key: string;
  readonly intervalMs: number;
  /** The signal is aborted at this deadline (and on remove or stop); the run then counts as a probe error. */
  readonly timeoutMs: number;
  run(signal: AbortSignal): Promise<R>;
}

/** `ok: false` means the probe itself failed (threw, timed out, hung): the reason starts with `probe error: `. */
export type ProbeOutcome<R> = { readonly ok: true; readonly value: R } | { readonly ok: false; readonly reason: string };

export interface ProbeRun<R> {
  readonly key: string;
  /** When the run was planned: its interval slot plus jitter. */
  readonly scheduledAt: number;
  /** When it actually started; `startedAt - scheduledAt` is the scheduling lag (timer delay plus queueing). */
  readonly startedAt: number;
  readonly finishedAt: number;
  readonly outcome: ProbeOutcome<R>;
}

/** The scheduler's only view of time, so tests drive it with a ManualClock and services pass the real one. */
export interface SchedulerTimers {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const PROBE_ERROR_PREFIX = 'probe error: ';
