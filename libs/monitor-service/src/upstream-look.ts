import type { Dependencies } from '@jarvis/incidents';
import type { HysteresisKeyState } from '@jarvis/schedule';

/** What the monitor knows of one scheduled probe, by the probe's key. */
export type UpstreamProbe = {
  key: string;
  /** Its reported status: a failing one already has its incident (or is a consequence of one) for correlation. */
  failing: boolean;
  /** When its latest reading was taken (ms since the epoch), whether scheduled or on demand; null before the first. */
  lastReadAt: number | null;
  /** Being read on demand for another dependent: waited for, since its reading is not recorded yet. */
  readingOnDemand: boolean;
};

export type UpstreamQuery = {
  /** The target whose check just became failing, by target key. */
  target: string;
  check: string;
  graph: Pick<Dependencies, 'dependenciesOf'>;
  /** The scheduled probes of a target, by target key; none for a target with no scheduled probe (a container). */
  probesOf(target: string): readonly UpstreamProbe[];
  /** When the failing reading of `check` was taken (ms): a dependency read since then is not read again. */
  failureReadAt: number;
};

/**
 * The probes to read now (or to wait for, when already being read on demand) before a failure of `check` on `target`
 * opens an incident, so that a failing dependency is recorded first and the failure joins its incident: the
 * scheduled probes of the targets that check relies on directly, not already failing and not read since the
 * failure was. A reading from before it may predate the cause (ddclient's last check before its secret broke); one
 * from after it is as good as a new one, and spares a dependency shared by several failing dependents. Deeper
 * dependencies are looked at the same way when a dependency's own failure is recorded. Empty for a target that
 * relies on nothing.
 */
export function upstreamProbesToRun(query: UpstreamQuery): string[] {
  const { target, check, graph, failureReadAt } = query;
  return graph
    .dependenciesOf(target, check)
    .flatMap((dependency) => query.probesOf(dependency))
    .filter((probe) => probe.readingOnDemand || (!probe.failing && (probe.lastReadAt === null || probe.lastReadAt < failureReadAt)))
    .map((probe) => probe.key);
}

export type OnDemandReading = {
  passed: boolean;
  /** The probe's hysteresis state before this reading. */
  state: HysteresisKeyState;
  /** N: consecutive failures before a failure is reported. */
  failuresToFail: number;
  /** When the first failure of the current streak was read (ms); null when the streak is empty. */
  streakStartedAt: number | null;
  intervalMs: number;
  readAt: number;
};

/**
 * Whether a reading taken on demand (outside the probe's schedule) counts toward its hysteresis. It counts only
 * when it is the Nth failure in a row and the first of them was read at least N−1 intervals earlier: the earliest
 * its own schedule could have reported the failure. So with N = 1 it reports at once; with N > 1 a flapping probe
 * read on demand between two scheduled readings is never reported sooner than its schedule would report it. Any
 * other on-demand reading only informs (the status page) and leaves the streak as it was: it neither advances it
 * (readings taken moments apart are not independent evidence) nor resets it, and recoveries stay the schedule's.
 */
export function onDemandReadingCounts(reading: OnDemandReading): boolean {
  const { passed, state, failuresToFail, streakStartedAt, intervalMs, readAt } = reading;
  if (passed || state.status === 'failing' || state.streak + 1 < failuresToFail) return false;
  const firstFailureAt = state.streak === 0 ? readAt : (streakStartedAt ?? readAt);
  return readAt - firstFailureAt >= (failuresToFail - 1) * intervalMs;
}
