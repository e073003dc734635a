import { assertNever, type JarvisEvent } from '@jarvis/contracts';
import { flatText } from './flat-text.js';

export function summarize(event: JarvisEvent): string {
  switch (event.type) {
    case 'DetectionRecorded':
      return flatText`${event.data.check} ${event.data.status}: ${event.data.reason}`;
    case 'IncidentOpened':
      return event.data.summary;
    case 'RemediationDecided':
      return flatText`${event.data.outcome} ${event.data.action} (${event.data.rule}): ${event.data.reason}`;
    case 'ActionStarted':
      return flatText`${event.data.action} attempt ${event.data.attempt}`;
    case 'ActionSucceeded':
      return flatText`${event.data.action}: ${event.data.result} in ${event.data.durationMs} ms`;
    case 'ActionFailed':
      return flatText`${event.data.action}: ${event.data.error}`;
    case 'ActionRefused':
      return flatText`${event.data.action} refused (${event.data.refusal}): ${event.data.reason}`;
    case 'DecisionSuperseded':
      return flatText`${event.data.action} not needed any more: ${event.data.evidence}`;
    case 'VerificationPassed':
      return event.data.evidence;
    case 'VerificationFailed':
      return event.data.reason;
    case 'IncidentResolved':
      return flatText`${event.data.resolution}: ${event.data.reason}`;
    case 'IncidentEscalated':
      return flatText`${event.data.rule}: ${event.data.reason}`;
    case 'ApprovalRequested':
      return flatText`approval requested for ${event.data.action} (${event.data.risk} risk) until ${event.data.expiresAt}: ${event.data.reason}`;
    case 'ApprovalGranted':
      return flatText`approved by ${event.data.by}`;
    case 'ApprovalRejected':
      return flatText`rejected by ${event.data.by}: ${event.data.reason}`;
    case 'ApprovalExpired':
      return flatText`approval request ${event.data.requestId} expired unanswered`;
    case 'ApprovalRefused':
      return flatText`approval refused (${event.data.refusal}): ${event.data.reason}`;
    case 'MaintenanceStarted':
      return flatText`scheduled ${event.data.action} (${event.data.schedule}, slot ${event.data.slotAt})`;
    case 'MaintenanceFinished':
      return flatText`maintenance ${event.data.outcome}: ${event.data.reason}`;
    case 'ConfigEditProposed':
      return flatText`config edit of ${event.data.path} proposed${event.data.needsApproval ? ' (a credential change: needs approval)' : ''}`;
    case 'ConfigValidated':
      return flatText`${event.data.path} validated by ${event.data.validator}: ${event.data.evidence}`;
    case 'ConfigBackedUp':
      return flatText`${event.data.path} backed up to ${event.data.backupPath}`;
    case 'ConfigApplied':
      return flatText`${event.data.path} changed; health: ${event.data.health}`;
    case 'ConfigRolledBack':
      return flatText`${event.data.path} rolled back from ${event.data.backupPath}: ${event.data.reason}`;
    case 'ConfigEditFailed':
      return flatText`config edit of ${event.data.path} stopped at ${event.data.stage}: ${event.data.reason}`;
    case 'ConsequenceLinked':
      return flatText`${event.data.check} of ${event.subject} fails as a consequence (${event.data.chain.join(' → ')}): ${event.data.reason}`;
    case 'ConsequenceRecovered':
      return flatText`consequence ${event.subject} ${event.data.check} recovered: ${event.data.reason}`;
    case 'CheckConfirmed':
      return flatText`${event.data.check} confirmed: ${event.data.reason}`;
    case 'ConfigKnownGoodRecorded':
      return flatText`${event.data.path} known good: kept as ${event.data.knownGood}`;
    default:
      return assertNever(event);
  }
}
