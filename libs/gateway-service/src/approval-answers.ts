import { createEvent, derivedId, parseTargetKey, type ApprovalView, type JarvisEventOf, type TargetRef } from '@jarvis/contracts';

/** The envelope every answer to a request shares: it belongs to the request's case and names its target. */
function answering(request: ApprovalView, now: Date) {
  return { source: 'gateway' as const, time: now.toISOString(), subject: request.target, correlationId: request.caseId, causationId: request.id };
}

function targetOf(request: ApprovalView): TargetRef {
  const parsed = parseTargetKey(request.target);
  if (!parsed.ok) throw new Error(`approval request ${request.id}: target ${parsed.error}`);
  return parsed.target;
}

/** A person approves exactly what the request describes: the grant names the request's own digest. */
export function grantFor(request: ApprovalView, by: string, id: string, now: Date): JarvisEventOf<'ApprovalGranted'> {
  return createEvent({ id, type: 'ApprovalGranted', ...answering(request, now), data: { target: targetOf(request), requestId: request.id, digest: request.digest, by } });
}

export function rejectionFor(request: ApprovalView, by: string, reason: string, id: string, now: Date): JarvisEventOf<'ApprovalRejected'> {
  return createEvent({ id, type: 'ApprovalRejected', ...answering(request, now), data: { target: targetOf(request), requestId: request.id, by, reason } });
}

/**
 * An answer without a valid token. Its id derives from the request and the minute, so a flood of them is one event
 * per minute in the log (JetStream de-duplicates by id) while the first attempt is still on record.
 */
export function unauthenticatedRefusal(request: ApprovalView, why: string, now: Date): JarvisEventOf<'ApprovalRefused'> {
  return createEvent({
    id: unauthenticatedRefusalId(request.id, now),
    type: 'ApprovalRefused',
    ...answering(request, now),
    data: { target: targetOf(request), requestId: request.id, refusal: 'unauthenticated', reason: why },
  });
}

export function unauthenticatedRefusalId(requestId: string, now: Date): string {
  return derivedId('ApprovalRefused', 'unauthenticated', requestId, now.toISOString().slice(0, 16));
}
