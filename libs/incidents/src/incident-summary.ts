import { assertNever, type JarvisEvent } from '@jarvis/contracts';

export function summarize(event: JarvisEvent): string {
  switch (event.type) {
    case 'DetectionRecorded':
      return `${event.data.check} ${event.data.status}: ${event.data.reason}`;
    case 'IncidentOpened':
      return event.data.summary;
    case 'RemediationDecided':
      return `${event.data.outcome} ${event.data.action} (${event.data.rule}): ${event.data.reason}`;
    case 'ActionStarted':
      return `${event.data.action} attempt ${event.data.attempt}`;
    case 'ActionSucceeded':
      return `${event.data.action}: ${event.data.result} in ${event.data.durationMs} ms`;
    case 'ActionFailed':
      return `${event.data.action}: ${event.data.error}`;
    case 'ActionRefused':
      return `${event.data.action} refused (${event.data.refusal}): ${event.data.reason}`;
    case 'DecisionSuperseded':
      return `${event.data.action} not needed any more: ${event.data.evidence}`;
    case 'VerificationPassed':
      return event.data.evidence;
    case 'VerificationFailed':
      return event.data.reason;
    case 'IncidentResolved':
      return `${event.data.resolution}: ${event.data.reason}`;
    case 'IncidentEscalated':
      return `${event.data.rule}: ${event.data.reason}`;
    case 'ApprovalRequested':
      return `approval requested for ${event.data.action} (${event.data.risk} risk) until ${event.data.expiresAt}: ${event.data.reason}`;
    case 'ApprovalGranted':
      return `approved by ${event.data.by}`;
    case 'ApprovalRejected':
      return `rejected by ${event.data.by}: ${event.data.reason}`;
    case 'ApprovalExpired':
      return `approval request ${event.data.requestId} expired unanswered`;
    case 'ApprovalRefused':
      return `approval refused (${event.data.refusal}): ${event.data.reason}`;
    case 'MaintenanceStarted':
      return `scheduled ${event.data.action} (${event.data.schedule}, slot ${event.data.slotAt})`;
    case 'MaintenanceFinished':
      return `maintenance ${event.data.outcome}: ${event.data.reason}`;
    case 'ConfigEditProposed':
      return `config edit of ${event.data.path} proposed${event.data.needsApproval ? ' (a credential change: needs approval)' : ''}`;
    case 'ConfigValidated':
      return `${event.data.path} validated by ${event.data.validator}: ${event.data.evidence}`;
    case 'ConfigBackedUp':
      return `${event.data.path} backed up to ${event.data.backupPath}`;
    case 'ConfigApplied':
      return `${event.data.path} changed; health: ${event.data.health}`;
    case 'ConfigRolledBack':
      return `${event.data.path} rolled back from ${event.data.backupPath}: ${event.data.reason}`;
    case 'ConfigEditFailed':
      return `config edit of ${event.data.path} stopped at ${event.data.stage}: ${event.data.reason}`;
    case 'ConsequenceLinked':
      return `${event.data.check} of ${event.subject} fails as a consequence (${event.data.chain.join(' → ')}): ${event.data.reason}`;
    case 'ConsequenceRecovered':
      return `consequence ${event.subject} ${event.data.check} recovered: ${event.data.reason}`;
    case 'CheckConfirmed':
      return `${event.data.check} confirmed: ${event.data.reason}`;
    case 'ConfigKnownGoodRecorded':
      return `${event.data.path} known good: kept as ${event.data.knownGood}`;
    default:
      return assertNever(event);
  }
}
