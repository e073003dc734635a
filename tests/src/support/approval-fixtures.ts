import { approvalDigest, containerTarget, createEvent, derivedId, newId, type JarvisEvent, type JarvisEventOf } from '@jarvis/contracts';

/** Old enough that the policy leaves the incident to the decision recorded for it here. */
const STALE_MS = 10 * 60_000;

/**
 * What the policy records when restarting container `name` needs a person: an opened incident, the needs_approval
 * decision and its ApprovalRequested (what would run, until when), in that order. With `consequence`: the incident
 * is `name`'s, and the restart is of the consequence container (linked to it, its `check` failing), under its case.
 */
export function pendingApprovalEvents(name: string, consequence?: { name: string; check: string }): { events: JarvisEvent[]; request: JarvisEventOf<'ApprovalRequested'> } {
  const rootTarget = containerTarget(name);
  const caseId = newId();
  const openedAt = new Date(Date.now() - STALE_MS).toISOString();
  const opened = createEvent({
    id: newId(), type: 'IncidentOpened', source: 'monitor', time: openedAt, subject: `container:${name}`, correlationId: caseId, causationId: null,
    data: { target: rootTarget, check: 'container_state', detectionId: newId(), faultAt: openedAt, summary: 'exited with code 1' },
  });
  const target = consequence ? containerTarget(consequence.name) : rootTarget;
  const subject = `container:${consequence?.name ?? name}`;
  const linked = consequence
    ? [createEvent({
      id: newId(), type: 'ConsequenceLinked', source: 'monitor', time: openedAt, subject, correlationId: caseId, causationId: null,
      data: { target, check: consequence.check, reason: 'fails because its dependency does', faultAt: openedAt, chain: [subject, `container:${name}`] },
    })]
    : [];
  const consequenceCheck = consequence ? { consequenceCheck: consequence.check } : {};
  const now = new Date().toISOString();
  const decision = createEvent({
    id: newId(), type: 'RemediationDecided', source: 'policy', time: now, subject, correlationId: caseId, causationId: opened.id,
    data: { target, outcome: 'needs_approval', action: 'restart_container', params: {}, risk: 'medium', rule: 'approval_required', reason: 'autoRestart is off', attempt: 1, notBefore: now, ...consequenceCheck },
  });
  const request = createEvent({
    id: derivedId('ApprovalRequested', decision.id), type: 'ApprovalRequested', source: 'policy', time: now, subject, correlationId: caseId, causationId: decision.id,
    data: {
      target, decisionId: decision.id, action: 'restart_container', params: {}, risk: 'medium',
      digest: approvalDigest({ action: 'restart_container', target, params: {}, ...consequenceCheck }), expiresAt: new Date(Date.now() + 3_600_000).toISOString(), reason: 'autoRestart is off',
      ...consequenceCheck,
    },
  });
  return { events: [opened, ...linked, decision, request], request };
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
