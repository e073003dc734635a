import { assertNever, createEvent, derivedId, type JarvisEvent, type JarvisEventOf, type TargetRef, targetKey } from '@jarvis/contracts';
import { countSince, pruneBefore, type PolicyState } from './policy-state.js';
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
    default:
      return assertNever(trigger);
  }
}

/**
 * Decides what to do about one trigger, given everything the policy knows. Returns the facts to record: nothing
 * (already decided, nothing open, or an action is already in flight), or a decision, plus an escalation when the
 * breaker trips. Pure: the time comes in, the ids derive from the trigger.
 */
export function decideRemediation(state: PolicyState, trigger: Trigger, rules: PolicyRules, now: Date): JarvisEvent[] {
  if (state.decidedTriggers.has(trigger.id)) return [];
  const incident = state.incidents.get(trigger.correlationId);
  if (!incident || !incident.open || incident.escalated || incident.pendingDecisionId) return [];
  const nowMs = now.getTime();
  const isObservation = trigger.type === 'DetectionRecorded' || trigger.type === 'IncidentOpened';
  if (isObservation && nowMs - Date.parse(trigger.time) > rules.staleDetectionSeconds * 1000) return [];

  pruneBefore(state, nowMs - Math.max(rules.breaker.windowSeconds, rules.rateLimit.windowSeconds) * 1000);
  const target = trigger.data.target;
  const previousAttempts = countSince(state.attemptsByTarget.get(targetKey(target)), nowMs - rules.breaker.windowSeconds * 1000);
  const attempt = incident.attempts + 1;
  const decision = (outcome: 'execute' | 'needs_approval' | 'denied', rule: string, reason: string, delayMs = 0) =>
    decisionEvent(trigger, target, { outcome, rule, reason, attempt, notBefore: new Date(nowMs + delayMs).toISOString() }, now);

  if (previousAttempts >= rules.breaker.maxAttempts) {
    const reason = `${previousAttempts} restarts of ${targetKey(target)} within ${rules.breaker.windowSeconds}s (limit ${rules.breaker.maxAttempts}): stopped restarting`;
    const denied = decision('denied', RULE.circuitBreaker, reason);
    return [denied, escalationEvent(trigger, denied, target, reason, previousAttempts, now)];
  }
  const recentActions = countSince(state.actionsByType.get(RESTART_CONTAINER), nowMs - rules.rateLimit.windowSeconds * 1000);
  if (recentActions >= rules.rateLimit.maxActions) {
    return [decision('denied', RULE.rateLimit, `${recentActions} ${RESTART_CONTAINER} actions in the last ${rules.rateLimit.windowSeconds}s (limit ${rules.rateLimit.maxActions})`)];
  }
  if (!rules.autoRestart) {
    return [decision('needs_approval', RULE.approvalRequired, 'automatic restarts are off (policy.autoRestart: false)')];
  }
  const delayMs = backoffDelayMs(attempt, rules.backoff);
  return [decision('execute', RULE.autoRestartWatched, `watched container: ${triggerReason(trigger)}; attempt ${attempt}${delayMs ? ` after ${delayMs} ms backoff` : ''}`, delayMs)];
}

function decisionEvent(
  trigger: Trigger,
  target: TargetRef,
  fields: { outcome: 'execute' | 'needs_approval' | 'denied'; rule: string; reason: string; attempt: number; notBefore: string },
  now: Date,
): JarvisEventOf<'RemediationDecided'> {
  return createEvent({
    id: derivedId('RemediationDecided', trigger.id),
    type: 'RemediationDecided',
    source: 'policy',
    time: now.toISOString(),
    subject: targetKey(target),
    correlationId: trigger.correlationId,
    causationId: trigger.id,
    data: { target, action: RESTART_CONTAINER, ...fields },
  });
}

function escalationEvent(
  trigger: Trigger,
  decision: JarvisEventOf<'RemediationDecided'>,
  target: TargetRef,
  reason: string,
  attempts: number,
  now: Date,
): JarvisEventOf<'IncidentEscalated'> {
  return createEvent({
    id: derivedId('IncidentEscalated', trigger.id),
    type: 'IncidentEscalated',
    source: 'policy',
    time: now.toISOString(),
    subject: targetKey(target),
    correlationId: trigger.correlationId,
    causationId: decision.id,
    data: { target, rule: RULE.circuitBreaker, reason, attempts },
  });
}
