import type { EventType, JarvisEvent, JarvisEventOf } from '@jarvis/contracts';

/** The steps of a case a person follows in the log: one line each, written once the step is stored. */
export type CaseStepName =
  | 'reading'
  | 'detected'
  | 'opened'
  | 'decided'
  | 'approval'
  | 'acting'
  | 'acted'
  | 'action failed'
  | 'refused'
  | 'superseded'
  | 'verified'
  | 'verification failed'
  | 'resolved'
  | 'escalated'
  | 'maintenance'
  | 'config'
  | 'consequence';

/** `quiet`: a fact worth showing to someone following the events, not worth a log line (a passing reading). */
export type CaseStep = { step: CaseStepName; warning: boolean; quiet: boolean; text: string };

type StepOf<T extends EventType> = (event: JarvisEventOf<T>) => CaseStep;

const step = (name: CaseStepName, text: string, warning = false): CaseStep => ({ step: name, warning, quiet: false, text });

/**
 * What each event means as a step of its case. Every event type has a line here: the mapped type makes a new one
 * fail to compile until it is described.
 */
const STEPS: { [T in EventType]: StepOf<T> } = {
  DetectionRecorded: ({ data }) =>
    data.status === 'ok' ? { ...step('reading', `${data.check} ok: ${data.reason}`), quiet: true } : step('detected', `${data.check} ${data.status}: ${data.reason}`, data.status === 'failed'),
  IncidentOpened: ({ data }) => step('opened', `${data.check}: ${data.summary}`, true),
  RemediationDecided: ({ data }) => step('decided', `${data.outcome} ${data.action} (${data.rule}, attempt ${data.attempt}, risk ${data.risk}): ${data.reason}`),
  ActionStarted: ({ data }) => step('acting', `${data.action} (attempt ${data.attempt})`),
  ActionSucceeded: ({ data }) => step('acted', `${data.action} in ${data.durationMs} ms: ${data.result}`),
  ActionFailed: ({ data }) => step('action failed', `${data.action} after ${data.durationMs} ms: ${data.error}`, true),
  ActionRefused: ({ data }) => step('refused', `${data.action}: ${data.refusal}: ${data.reason}`, true),
  DecisionSuperseded: ({ data }) => step('superseded', `${data.action} not needed: ${data.evidence}`),
  VerificationPassed: ({ data }) => step('verified', data.evidence),
  VerificationFailed: ({ data }) => step('verification failed', data.reason, true),
  IncidentResolved: ({ data }) => step('resolved', `${data.resolution}: ${data.reason}`),
  IncidentEscalated: ({ data }) => step('escalated', `${data.rule} after ${data.attempts} attempt(s): ${data.reason}`, true),
  ApprovalRequested: ({ data }) => step('approval', `requested for ${data.action} (risk ${data.risk}) until ${data.expiresAt}: ${data.reason}`, true),
  ApprovalGranted: ({ data }) => step('approval', `granted by ${data.by}`),
  ApprovalRejected: ({ data }) => step('approval', `rejected by ${data.by}: ${data.reason}`),
  ApprovalExpired: () => step('approval', 'expired unanswered', true),
  ApprovalRefused: ({ data }) => step('approval', `answer refused: ${data.refusal}: ${data.reason}`, true),
  MaintenanceStarted: ({ data }) => step('maintenance', `${data.schedule}: ${data.action} for the slot ${data.slotAt}`),
  MaintenanceFinished: ({ data }) => step('maintenance', `${data.schedule} ${data.outcome}: ${data.reason}`, data.outcome !== 'done'),
  ConfigEditProposed: ({ data }) => step('config', `edit of ${data.path} proposed (${data.format}${data.needsApproval ? ', a credential change: needs approval' : ''})`),
  ConfigValidated: ({ data }) => step('config', `${data.path} validated by ${data.validator}: ${data.evidence}`),
  ConfigBackedUp: ({ data }) => step('config', `${data.path} backed up to ${data.backupPath}`),
  ConfigApplied: ({ data }) => step('config', `${data.path} applied; health: ${data.health}`),
  ConfigRolledBack: ({ data }) => step('config', `${data.path} rolled back to ${data.backupPath}: ${data.reason}`, true),
  ConfigEditFailed: ({ data }) => step('config', `edit of ${data.path} stopped at ${data.stage}: ${data.reason}`, true),
  ConsequenceLinked: ({ data }) => step('consequence', `${data.check} failing, joined ${data.chain.at(-1)}'s incident (${data.chain.join(' → ')}): ${data.reason}`, true),
  ConsequenceRecovered: ({ data }) => step('consequence', `${data.check} recovered: ${data.reason}`),
  CheckConfirmed: ({ data }) => ({ ...step('reading', `${data.check} confirmed: ${data.reason}`), quiet: true }),
  ConfigKnownGoodRecorded: ({ data }) => ({ ...step('config', `${data.path} known good: kept as ${data.knownGood}`), quiet: true }),
};

export function caseStepOf(event: JarvisEvent): CaseStep {
  return (STEPS[event.type] as StepOf<EventType>)(event as JarvisEventOf<EventType>);
}

/** `container:web [case 0b7f3c2a-…] decided: execute restart_container (…)`: greppable by target, case and step. */
export function caseStepLine(event: JarvisEvent, step: CaseStep): string {
  return `${event.subject} [case ${event.correlationId}] ${step.step}: ${step.text}`;
}
