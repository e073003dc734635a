import { createEvent, derivedId, targetKey, type ApprovalView, type JarvisEvent, type JarvisEventOf } from '@jarvis/contracts';
import { approvalExpired, approvalRefused } from './approval-events.js';
import { RULE } from './policy-rules.js';
import { findConsequence, type ApprovalRecord, type PolicyState } from './policy-state.js';

type Grant = JarvisEventOf<'ApprovalGranted'>;

/**
 * What a grant leads to: one execute decision for exactly the request it names, if that request is still pending,
 * unexpired and about what the grant says it saw (the digest); otherwise a refusal saying why, and nothing runs.
 * A grant is answered once: its decision or refusal derives its id from it. Pure: the time comes in.
 */
export function decideOnGrant(state: PolicyState, grant: Grant, now: Date): JarvisEvent[] {
  if (state.decidedTriggers.has(grant.id)) return [];
  const request = state.approvals.get(grant.data.requestId);
  const refuse = (refusal: Parameters<typeof approvalRefused>[1], reason: string) => [approvalRefused(grant, refusal, reason, now)];
  if (!request || request.caseId !== grant.correlationId) return refuse('unknown_request', `no approval request ${grant.data.requestId} in case ${grant.correlationId}`);
  if (request.status !== 'pending') return refuse('not_pending', `request ${request.id} is ${notPendingBecause(request)}: a grant executes once`);
  if (Date.parse(request.expiresAt) <= now.getTime()) return refuse('expired', `request ${request.id} expired at ${request.expiresAt}`);
  if (grant.data.digest !== request.digest) {
    return refuse('digest_mismatch', `the grant names digest ${grant.data.digest}, the request is about ${request.digest} (${request.action} with other parameters or target)`);
  }
  const incident = state.incidents.get(request.caseId);
  if (!incident || !incident.open || incident.escalated || incident.pendingDecisionId) {
    return refuse('not_pending', `case ${request.caseId} is ${!incident || !incident.open ? 'closed' : incident.escalated ? 'escalated' : 'busy with another decision'}`);
  }
  return [approvedDecision(request, grant, incident.attempts + 1, now)];
}

function approvedDecision(request: ApprovalRecord, grant: Grant, attempt: number, now: Date): JarvisEventOf<'RemediationDecided'> {
  const { target, action, params, risk, consequenceCheck } = request;
  return createEvent({
    id: derivedId('RemediationDecided', grant.id),
    type: 'RemediationDecided',
    source: 'policy',
    time: now.toISOString(),
    subject: request.subject,
    correlationId: request.caseId,
    causationId: grant.id,
    data: {
      target,
      action,
      params: { ...params },
      risk,
      outcome: 'execute',
      rule: RULE.approvalGranted,
      reason: `approved by ${grant.data.by}`,
      attempt,
      notBefore: now.toISOString(),
      approvalId: grant.id,
      ...(consequenceCheck === undefined ? {} : { consequenceCheck }),
    },
  });
}

function notPendingBecause(request: ApprovalRecord): string {
  if (request.status === 'used') return 'already used';
  if (request.status === 'withdrawn') return `withdrawn (${request.subject} ${request.consequenceCheck ?? ''} passes again)`;
  return request.status;
}

type Unanswered = JarvisEventOf<'ApprovalRejected' | 'ApprovalExpired'>;

/**
 * A consequence's remediation that a person rejected, or let expire, while the consequence still fails: the incident
 * escalates at once naming it (the root's own request instead waits for the next trigger to ask again). Once, its id
 * derived from the answer; nothing for a request already settled otherwise (used, withdrawn, or the other answer).
 */
export function decideOnUnanswered(state: PolicyState, answer: Unanswered, now: Date): JarvisEvent[] {
  const request = state.approvals.get(answer.data.requestId);
  if (!request?.consequenceCheck || request.caseId !== answer.correlationId) return [];
  if (request.status !== (answer.type === 'ApprovalRejected' ? 'rejected' : 'expired')) return [];
  const incident = state.incidents.get(request.caseId);
  if (!incident || !incident.open || incident.escalated) return [];
  if (!findConsequence(incident, targetKey(request.target), request.consequenceCheck)?.failing) return [];
  const how = answer.type === 'ApprovalRejected' ? `was rejected by ${answer.data.by}: ${answer.data.reason}` : `was not answered before ${request.expiresAt}`;
  const reason = `${incident.targetKey} is fixed and verified, but the remediation of its consequence ${request.subject} ${request.consequenceCheck} (${request.action}) ${how}: a person decides`;
  return [
    createEvent({
      id: derivedId('IncidentEscalated', answer.id),
      type: 'IncidentEscalated',
      source: 'policy',
      time: now.toISOString(),
      subject: incident.targetKey,
      correlationId: request.caseId,
      causationId: answer.id,
      data: { target: incident.target, rule: RULE.consequenceNotApproved, reason: reason.slice(0, 1024), attempts: incident.attempts },
    }),
  ];
}

/** Pending requests past their expiry: each expires once, its id derived from the request. */
export function expiredApprovals(state: PolicyState, now: Date): JarvisEventOf<'ApprovalExpired'>[] {
  return [...state.approvals.values()].flatMap((request) => (request.status === 'pending' && Date.parse(request.expiresAt) <= now.getTime() ? [approvalExpired(request, now)] : []));
}

/** Grants recorded but not yet answered (the policy died in between): answered at start. */
export function unansweredGrants(state: PolicyState): Grant[] {
  return [...state.grants.values()].filter((grant) => !state.decidedTriggers.has(grant.id));
}

export function pendingApprovals(state: PolicyState, now: Date): ApprovalView[] {
  return [...state.approvals.values()]
    .filter((request) => request.status === 'pending' && Date.parse(request.expiresAt) > now.getTime())
    .map(({ id, caseId, subject, action, params, risk, digest, reason, requestedAt, expiresAt, diff, consequenceCheck }) => ({
      id,
      caseId,
      target: subject,
      action,
      params,
      risk,
      digest,
      reason,
      requestedAt,
      expiresAt,
      ...(diff === undefined ? {} : { diff }),
      ...(consequenceCheck === undefined ? {} : { consequenceCheck }),
    }));
}
