import type { TargetRef } from '@jarvis/contracts';

/** What one run of a probe found; the monitor dates it and applies the hysteresis. */
export type ProbeFinding = { status: 'ok' | 'failed'; reason: string };

/** A check with no event source, run on a schedule by the monitor (disks, HTTP endpoints). */
export interface ScheduledProbe {
  readonly target: TargetRef;
  readonly check: string;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  run(signal: AbortSignal): Promise<ProbeFinding>;
}
