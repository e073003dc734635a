import { approvalDigest, containerTarget, createEvent, derivedId, newId, type JarvisEvent, type JarvisEventOf } from '@jarvis/contracts';

/** Old enough that the policy leaves the incident to the decision recorded for it here. */
const STALE_MS = 10 * 60_000;

/**
 * What the policy records when restarting container `name` needs a person: an opened incident, the needs_approval
 * decision and its ApprovalRequested (what would run, until when), in that order.
 */
export function pendingApprovalEvents(name: string): { events: JarvisEvent[]; request: JarvisEventOf<'ApprovalRequested'> } {
  const target = containerTarget(name);
  const subject = `container:${name}`;
  const caseId = newId();
  const openedAt = new Date(Date.now() - STALE_MS).toISOString();
  const opened = createEvent({
    id: newId(), type: 'IncidentOpened', source: 'monitor', time: openedAt, subject, correlationId: caseId, causationId: null,
    data: { target, check: 'container_state', detectionId: newId(), faultAt: openedAt, summary: 'exited with code 1' },
  });
  const now = new Date().toISOString();
  const decision = createEvent({
    id: newId(), type: 'RemediationDecided', source: 'policy', time: now, subject, correlationId: caseId, causationId: opened.id,
    data: { target, outcome: 'needs_approval', action: 'restart_container', params: {}, risk: 'medium', rule: 'approval_required', reason: 'autoRestart is off', attempt: 1, notBefore: now },
  });
  const request = createEvent({
    id: derivedId('ApprovalRequested', decision.id), type: 'ApprovalRequested', source: 'policy', time: now, subject, correlationId: caseId, causationId: decision.id,
    data: {
      target, decisionId: decision.id, action: 'restart_container', params: {}, risk: 'medium',
      digest: approvalDigest({ action: 'restart_container', target, params: {} }), expiresAt: new Date(Date.now() + 3_600_000).toISOString(), reason: 'autoRestart is off',
    },
  });
  return { events: [opened, decision, request], request };
}

export type ApprovalRequest = JarvisEventOf<'ApprovalRequested'>;

/** A grant as the gateway records it; `digest` and `requestId` can be made to lie. */
export function grantFor(request: ApprovalRequest, overrides: { digest?: string; requestId?: string } = {}): JarvisEventOf<'ApprovalGranted'> {
  return createEvent({
    id: newId(),
    type: 'ApprovalGranted',
    source: 'gateway',
    time: new Date().toISOString(),
    subject: request.subject,
    correlationId: request.correlationId,
    causationId: null,
    data: { target: request.data.target, requestId: overrides.requestId ?? request.id, digest: overrides.digest ?? request.data.digest, by: 'e2e' },
  });
}
