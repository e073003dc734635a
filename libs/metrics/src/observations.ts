import { assertNever, type JarvisEvent } from '@jarvis/contracts';
import type { CaseBook } from './case-book.js';
import { LABEL, METRIC, NO_ACTION } from './names.js';

export type Labels = Record<string, string>;

/** One counter increment or one histogram sample (in seconds) that an event stands for. */
export type Observation =
  | { kind: 'count'; metric: CountedMetric; labels: Labels }
  | { kind: 'seconds'; metric: TimedMetric; labels: Labels; value: number };

export type CountedMetric =
  | typeof METRIC.detections
  | typeof METRIC.incidentsOpened
  | typeof METRIC.incidentsResolved
  | typeof METRIC.incidentsEscalated
  | typeof METRIC.decisions
  | typeof METRIC.actions
  | typeof METRIC.verifications
  | typeof METRIC.approvals
  | typeof METRIC.maintenanceRuns;

export type TimedMetric = typeof METRIC.actionDuration | typeof METRIC.mttd | typeof METRIC.mttr;

/**
 * What one newly stored event adds to the metrics. `cases` must not have applied the event yet: a resolution
 * reads its incident's fault time and last action from it.
 */
export function observationsOf(event: JarvisEvent, cases: CaseBook): Observation[] {
  const kind = event.data.target.kind;
  switch (event.type) {
    case 'DetectionRecorded':
      return [count(METRIC.detections, { [LABEL.check]: event.data.check, [LABEL.kind]: kind, [LABEL.status]: event.data.status })];
    case 'IncidentOpened':
      return [
        count(METRIC.incidentsOpened, { [LABEL.check]: event.data.check, [LABEL.kind]: kind }),
        seconds(METRIC.mttd, { [LABEL.check]: event.data.check, [LABEL.kind]: kind }, Date.parse(event.time) - Date.parse(event.data.faultAt)),
      ];
    case 'RemediationDecided':
      return [count(METRIC.decisions, { [LABEL.outcome]: event.data.outcome, [LABEL.rule]: event.data.rule, [LABEL.action]: event.data.action })];
    case 'ActionSucceeded':
      return actionEnded(event.data.action, 'succeeded', event.data.durationMs);
    case 'ActionFailed':
      return actionEnded(event.data.action, 'failed', event.data.durationMs);
    case 'ActionRefused':
      return [count(METRIC.actions, { [LABEL.action]: event.data.action, [LABEL.result]: 'refused' })];
    case 'DecisionSuperseded':
      return [count(METRIC.actions, { [LABEL.action]: event.data.action, [LABEL.result]: 'superseded' })];
    case 'VerificationPassed':
      return [count(METRIC.verifications, { [LABEL.kind]: kind, [LABEL.result]: 'passed' })];
    case 'VerificationFailed':
      return [count(METRIC.verifications, { [LABEL.kind]: kind, [LABEL.result]: 'failed' })];
    case 'IncidentResolved':
      return resolved(event, cases);
    case 'IncidentEscalated':
      return [count(METRIC.incidentsEscalated, { [LABEL.rule]: event.data.rule, [LABEL.kind]: kind })];
    case 'ApprovalRequested':
      return [approval('requested')];
    case 'ApprovalGranted':
      return [approval('granted')];
    case 'ApprovalRejected':
      return [approval('rejected')];
    case 'ApprovalExpired':
      return [approval('expired')];
    case 'ApprovalRefused':
      return [approval('refused')];
    case 'ActionStarted':
    case 'MaintenanceStarted':
    case 'ConfigEditProposed':
    case 'ConfigValidated':
    case 'ConfigBackedUp':
    case 'ConfigApplied':
    case 'ConfigRolledBack':
    case 'ConfigEditFailed':
    case 'ConsequenceLinked':
    case 'ConsequenceRecovered':
    case 'CheckConfirmed':
    case 'ConfigKnownGoodRecorded':
      return [];
    case 'MaintenanceFinished':
      return [count(METRIC.maintenanceRuns, { [LABEL.outcome]: event.data.outcome, [LABEL.kind]: kind })];
    default:
      return assertNever(event);
  }
}

function resolved(event: Extract<JarvisEvent, { type: 'IncidentResolved' }>, cases: CaseBook): Observation[] {
  const kind = event.data.target.kind;
  const counted = count(METRIC.incidentsResolved, { [LABEL.resolution]: event.data.resolution, [LABEL.kind]: kind });
  const incident = cases.caseOf(event.correlationId);
  // An incident opened before the process's replay window (before its last snapshot) has no known fault time.
  // A merged incident was not repaired on its own: its root's resolution says how long the outage lasted.
  if (!incident || event.data.resolution === 'merged') return [counted];
  const labels = { [LABEL.check]: incident.check, [LABEL.action]: incident.lastAction ?? NO_ACTION, [LABEL.resolution]: event.data.resolution };
  return [counted, seconds(METRIC.mttr, labels, Date.parse(event.time) - incident.faultAtMs)];
}

function actionEnded(action: string, result: 'succeeded' | 'failed', durationMs: number): Observation[] {
  const labels = { [LABEL.action]: action, [LABEL.result]: result };
  return [count(METRIC.actions, labels), seconds(METRIC.actionDuration, labels, durationMs)];
}

function approval(outcome: string): Observation {
  return count(METRIC.approvals, { [LABEL.outcome]: outcome });
}

function count(metric: CountedMetric, labels: Labels): Observation {
  return { kind: 'count', metric, labels };
}

/** Clock skew between hosts can make a duration negative; a histogram only takes what can have happened. */
function seconds(metric: TimedMetric, labels: Labels, ms: number): Observation {
  return { kind: 'seconds', metric, labels, value: Math.max(0, ms) / 1000 };
}
