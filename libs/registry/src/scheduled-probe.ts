import type { TargetRef } from '@jarvis/contracts';

/** What one run of a probe found; the monitor dates it and applies the hysteresis. */
export type ProbeFinding = { status: 'ok' | 'failed'; reason: string };

/** A check with no event source, run on a schedule by the monitor (disks, HTTP endpoints). */
export interface ScheduledProbe {
  readonly target: TargetRef;
  readonly check: string;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  /**
   * A pass says the target works as configured now (ddclient published with its config): the monitor records it
   * (CheckConfirmed) once per passing streak, for the config editor to keep a known-good copy.
   */
  readonly confirmsPasses?: boolean;
  run(signal: AbortSignal): Promise<ProbeFinding>;
}
