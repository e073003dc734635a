import { assertNever, instantMs } from '@jarvis/contracts';
import type { CheckResult } from '@jarvis/registry';
import type { DetectedCondition, IncidentRecord } from '@jarvis/incidents';

export type ReconcileOutcome = 'open-incident' | 'redetect' | 'resolve-recovered' | 'withdraw' | 'mark-stopped' | 'nothing';

export type ReconcileInput = {
  incident: IncidentRecord | undefined;
  result: CheckResult;
  /** The container no longer exists. */
  removed: boolean;
  now: Date;
  /** An engine event (or the first pass after a start): record a new occurrence of a failure at once, even with an unchanged reason. */
  eventDriven: boolean;
  /** A periodic pass re-records an unchanged failure only when it awaits a decision, and this long after the last. */
  redetectAfterMs: number;
  /** When the target was last recorded as stopped by its owner, if ever. */
  operatorStoppedAt: number | undefined;
  /** An owner's stop is recorded again this long after the last record, so that the record outlives its retention. */
  restateStopAfterMs: number;
};

/** What one observation of a target means for its incident. Pure. */
export function reconcileOutcome(input: ReconcileInput): ReconcileOutcome {
  const { incident, result } = input;
  switch (result.status) {
    case 'failed':
      if (!incident) return 'open-incident';
      if (incident.pendingDecisionId || incident.status === 'escalated') return 'nothing';
      return !sameFault(incident.lastCondition, result) || (input.eventDriven && !sameOccurrence(incident.lastCondition, result)) || awaitsRetry(incident, input)
        ? 'redetect'
        : 'nothing';
    case 'ok':
      if (!incident || incident.pendingDecisionId) return 'nothing';
      // An engine event can outrun the decision on its way through NATS (split shape): a start seen while the
      // incident still awaits its decision may be Jarvis's own restart, so a periodic pass settles it instead.
      return input.eventDriven && incident.status === 'open' && incident.awaitsDecision ? 'nothing' : 'resolve-recovered';
    case 'stopped':
      return ownerStopOutcome(input);
    default:
      return assertNever(result.status);
  }
}

/** Removal and stops are the owner's doing: an open incident is withdrawn (unless Jarvis's own restart is under way). */
function ownerStopOutcome({ incident, result, removed, now, operatorStoppedAt, restateStopAfterMs }: ReconcileInput): ReconcileOutcome {
  if (incident) return removed || !incident.pendingDecisionId ? 'withdraw' : 'nothing';
  if (removed) return 'nothing';
  const recorded = operatorStoppedAt !== undefined && operatorStoppedAt >= Date.parse(result.faultAt);
  return recorded && now.getTime() - operatorStoppedAt < restateStopAfterMs ? 'nothing' : 'mark-stopped';
}

/**
 * The same fault: same check and status, and the same reason or the same start (an unhealthy streak's count grows
 * in its reason; a fault without a known start time is dated to each observation).
 */
function sameFault(last: DetectedCondition | null, result: CheckResult): boolean {
  return last !== null && last.check === result.check && last.status === result.status && (last.reason === result.reason || last.faultAt === result.faultAt);
}

/**
 * Docker's `die` event and an inspect date one exit apart: the event by its own time, the inspect by
 * `State.FinishedAt`, a few milliseconds earlier. A crash loop's next exit comes a restart later.
 */
const SAME_EXIT_MS = 250;

/**
 * The very occurrence already recorded: Docker tells one crash with several events (kill, die, stop) and dates it two
 * ways, while a crash loop repeats the reason with a later start each time. A fault dated no later than the one
 * recorded is never a new occurrence.
 */
function sameOccurrence(last: DetectedCondition | null, result: CheckResult): boolean {
  return last !== null && last.check === result.check && last.status === result.status && instantMs(result.faultAt) - instantMs(last.faultAt) <= SAME_EXIT_MS;
}

function awaitsRetry(incident: IncidentRecord, { now, redetectAfterMs }: ReconcileInput): boolean {
  return incident.awaitsDecision && now.getTime() - Date.parse(incident.lastDetectionAt) >= redetectAfterMs;
}
