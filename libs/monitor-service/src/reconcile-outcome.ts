import { assertNever } from '@jarvis/contracts';
import type { CheckResult } from '@jarvis/checks';
import type { IncidentRecord } from '@jarvis/incidents';

export type ReconcileOutcome = 'open-incident' | 'redetect' | 'resolve-recovered' | 'mark-stopped' | 'nothing';

export type ReconcileInput = {
  incident: IncidentRecord | undefined;
  result: CheckResult;
  now: Date;
  /** An engine event: record a new failure at once. A periodic pass re-records only after `redetectAfterMs`. */
  eventDriven: boolean;
  redetectAfterMs: number;
  /** When the target was last recorded as stopped by its owner, if ever. */
  operatorStoppedAt: number | undefined;
};

/** What one observation of a target means for its incident. Pure. */
export function reconcileOutcome({ incident, result, now, eventDriven, redetectAfterMs, operatorStoppedAt }: ReconcileInput): ReconcileOutcome {
  switch (result.status) {
    case 'failed':
      if (!incident) return 'open-incident';
      if (incident.pendingDecisionId || incident.status === 'escalated') return 'nothing';
      if (eventDriven || now.getTime() - Date.parse(incident.lastDetectionAt) >= redetectAfterMs) return 'redetect';
      return 'nothing';
    case 'ok':
      return incident && !incident.pendingDecisionId ? 'resolve-recovered' : 'nothing';
    case 'stopped':
      return operatorStoppedAt !== undefined && operatorStoppedAt >= Date.parse(result.faultAt) ? 'nothing' : 'mark-stopped';
    default:
      return assertNever(result.status);
  }
}
