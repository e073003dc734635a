import { assertNever, createEvent, derivedId, type JarvisEvent, type JarvisEventOf, type TargetRef, targetKey } from '@jarvis/contracts';
import { countSince, isOwnTrigger, pruneBefore, type PolicyState } from './policy-state.js';
import type { Trigger } from './trigger.js';
import { backoffDelayMs, RULE, type PolicyRules } from './policy-rules.js';

export const RESTART_CONTAINER = 'restart_container';

function triggerReason(trigger: Trigger): string {
  switch (trigger.type) {
    case 'IncidentOpened':
      return trigger.data.summary;
    case 'DetectionRecorded':
    case 'VerificationFailed':
      return trigger.data.reason;
    case 'ActionFailed':
      return `previous attempt failed: ${trigger.data.error}`;
    case 'ActionRefused':
      return `previous decision went stale before it was carried out (${trigger.data.reason})`;
    default:
      return assertNever(trigger);
  }
}

/**
 * Decides what to do about one trigger, given everything the policy knows. Returns the facts to record: nothing
 * (already decided, nothing open, approval already asked for, or an action is already in flight), or a decision,
 * plus an escalation when the breaker trips. `retryOf`: a rate-limit denial whose wait is over, decided again for the
 * incident's latest trigger. Pure: the time comes in, the ids derive from the trigger (or the denial retried).
 */
export function decideRemediation(state: PolicyState, trigger: Trigger, rules: PolicyRules, now: Date, retryOf?: JarvisEventOf<'RemediationDecided'>): JarvisEvent[] {
  const causeId = retryOf?.id ?? trigger.id;
  if (state.decidedTriggers.has(causeId)) return [];
  const incident = state.incidents.get(trigger.correlationId);
  if (!incident || !incident.open || incident.escalated || incident.pendingDecisionId) return [];
  if (incident.awaitingApproval && !rules.autoRestart) return [];
  if (!isOwnTrigger(incident, trigger)) return [];
  const nowMs = now.getTime();
  const isObservation = trigger.type === 'DetectionRecorded' || trigger.type === 'IncidentOpened';
  if (!retryOf && isObservation && nowMs - Date.parse(trigger.time) > rules.staleDetectionSeconds * 1000) return [];

  pruneBefore(state, nowMs - Math.max(rules.breaker.windowSeconds, rules.rateLimit.windowSeconds) * 1000);
  const target = trigger.data.target;
  const previousAttempts = countSince(state.attemptsByTarget.get(targetKey(target)), nowMs - rules.breaker.windowSeconds * 1000);
  const attempt = incident.attempts + 1;
  const cause = { id: causeId, correlationId: trigger.correlationId };
  const decision = (outcome: 'execute' | 'needs_approval' | 'denied', rule: string, reason: string, notBeforeMs = nowMs) =>
    decisionEvent(cause, target, { outcome, rule, reason, attempt, notBefore: new Date(notBeforeMs).toISOString() }, now);

  if (previousAttempts >= rules.breaker.maxAttempts) {
    const reason = `${previousAttempts} restarts of ${targetKey(target)} within ${rules.breaker.windowSeconds}s (limit ${rules.breaker.maxAttempts}): stopped restarting`;
    const denied = decision('denied', RULE.circuitBreaker, reason);
    return [denied, escalationEvent(cause, denied, target, reason, previousAttempts, now)];
  }
  const windowStart = nowMs - rules.rateLimit.windowSeconds * 1000;
  const recent = (state.actionsByType.get(RESTART_CONTAINER) ?? []).filter((t) => t > windowStart);
  if (recent.length >= rules.rateLimit.maxActions) {
    // Due again when the oldest action in the window leaves it: the policy's sweep decides then, re-detection or not.
    const freedAtMs = Math.min(...recent) + rules.rateLimit.windowSeconds * 1000;
    return [decision('denied', RULE.rateLimit, `${recent.length} ${RESTART_CONTAINER} actions in the last ${rules.rateLimit.windowSeconds}s (limit ${rules.rateLimit.maxActions})`, freedAtMs)];
  }
  if (!rules.autoRestart) {
    return [decision('needs_approval', RULE.approvalRequired, 'automatic restarts are off (policy.autoRestart: false)')];
  }
  const delayMs = backoffDelayMs(attempt, rules.backoff);
  const why = retryOf ? 'the rate limit allows it again' : triggerReason(trigger);
  return [decision('execute', RULE.autoRestartWatched, `watched container: ${why}; attempt ${attempt}${delayMs ? ` after ${delayMs} ms backoff` : ''}`, nowMs + delayMs)];
}

type Cause = { id: string; correlationId: string };

function decisionEvent(
  cause: Cause,
  target: TargetRef,
  fields: { outcome: 'execute' | 'needs_approval' | 'denied'; rule: string; reason: string; attempt: number; notBefore: string },
  now: Date,
): JarvisEventOf<'RemediationDecided'> {
  return createEvent({
    id: derivedId('RemediationDecided', cause.id),
    type: 'RemediationDecided',
    source: 'policy',
    time: now.toISOString(),
    subject: targetKey(target),
    correlationId: cause.correlationId,
    causationId: cause.id,
    data: { target, action: RESTART_CONTAINER, ...fields },
  });
}

function escalationEvent(
  cause: Cause,
  decision: JarvisEventOf<'RemediationDecided'>,
  target: TargetRef,
  reason: string,
  attempts: number,
  now: Date,
): JarvisEventOf<'IncidentEscalated'> {
  return createEvent({
    id: derivedId('IncidentEscalated', cause.id),
    type: 'IncidentEscalated',
    source: 'policy',
    time: now.toISOString(),
    subject: targetKey(target),
    correlationId: cause.correlationId,
    causationId: decision.id,
    data: { target, rule: RULE.circuitBreaker, reason, attempts },
  });
}
