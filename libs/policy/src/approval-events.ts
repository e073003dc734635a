import { approvalDigest, createEvent, derivedId, type ApprovalRefusal, type JarvisEventOf } from '@jarvis/contracts';

type Decision = JarvisEventOf<'RemediationDecided'>;

/** The request that goes with a needs_approval decision: exactly what would run, until when. */
export function approvalRequestedFor(decision: Decision, expiresAt: Date, now: Date): JarvisEventOf<'ApprovalRequested'> {
  const { target, action, params, risk, reason, consequenceCheck } = decision.data;
  const about = { action, target, params, ...(consequenceCheck === undefined ? {} : { consequenceCheck }) };
  return createEvent({
    id: derivedId('ApprovalRequested', decision.id),
    type: 'ApprovalRequested',
    source: 'policy',
    time: now.toISOString(),
    subject: decision.subject,
    correlationId: decision.correlationId,
    causationId: decision.id,
    data: { ...about, decisionId: decision.id, params: { ...params }, risk, digest: approvalDigest(about), expiresAt: expiresAt.toISOString(), reason },
  });
}

export function approvalRefused(grant: JarvisEventOf<'ApprovalGranted'>, refusal: ApprovalRefusal, reason: string, now: Date): JarvisEventOf<'ApprovalRefused'> {
  return createEvent({
    id: derivedId('ApprovalRefused', grant.id),
    type: 'ApprovalRefused',
    source: 'policy',
    time: now.toISOString(),
    subject: grant.subject,
    correlationId: grant.correlationId,
    causationId: grant.id,
    data: { target: grant.data.target, requestId: grant.data.requestId, refusal, reason },
  });
}

export function approvalExpired(request: { id: string; caseId: string; subject: string; target: Decision['data']['target'] }, now: Date): JarvisEventOf<'ApprovalExpired'> {
  return createEvent({
    id: derivedId('ApprovalExpired', request.id),
    type: 'ApprovalExpired',
    source: 'policy',
    time: now.toISOString(),
    subject: request.subject,
    correlationId: request.caseId,
    causationId: request.id,
    data: { target: request.target, requestId: request.id },
  });
}
