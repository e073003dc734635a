import { assertNever, createEvent, derivedId, type JarvisEvent, type JarvisEventOf, type TargetRef, targetKey } from '@jarvis/contracts';
import { countSince, isOwnTrigger, pruneBefore, type PolicyState } from './policy-state.js';
import type { Trigger } from './trigger.js';
import { approvalReason, backoffDelayMs, RULE, type PolicyRules } from './policy-rules.js';
import { approvalRequestedFor } from './approval-events.js';
import type { RemediationChoice, RemediationChooser } from './remediation-choice.js';


function triggerReason(trigger: Trigger): string {
  switch (trigger.type) {
    case 'IncidentOpened':
      return trigger.data.summary;
    case 'MaintenanceStarted':
      return `scheduled by ${trigger.data.schedule} for ${trigger.data.slotAt}`;
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
 * plus an escalation when the breaker trips or nothing may be done automatically. `retryOf`: a rate-limit denial
 * whose wait is over, decided again for the incident's latest trigger. Pure: the time comes in, the ids derive from
 * the trigger (or the denial retried).
 */
export function decideRemediation(
  state: PolicyState,
  trigger: Trigger,
  rules: PolicyRules,
  now: Date,
  { choose, chooseScheduled }: RemediationChooser,
  retryOf?: JarvisEventOf<'RemediationDecided'>,
): JarvisEvent[] {
  const causeId = retryOf?.id ?? trigger.id;
  if (state.decidedTriggers.has(causeId)) return [];
  const incident = state.incidents.get(trigger.correlationId);
  if (!incident || !incident.open || incident.escalated || incident.pendingDecisionId) return [];
  if (!isOwnTrigger(incident, trigger)) return [];
  // Only the incident's latest trigger decides. State is folded on receipt and triggers are handled one at a time, so
  // an older one handled late (queued behind others, or redelivered) would see a state that already moved on: the
  // window between a verified fix and its resolution has no pending decision, and it would decide the fault again.
  if (!retryOf && incident.lastTrigger?.id !== trigger.id) return [];
  // A maintenance run is decided once, at its start: what follows it (a failure) is its outcome, not a new reason.
  if (incident.maintenance && trigger.type !== 'MaintenanceStarted') return [];
  const nowMs = now.getTime();
  const isObservation = trigger.type === 'DetectionRecorded' || trigger.type === 'IncidentOpened' || trigger.type === 'MaintenanceStarted';
  if (!retryOf && isObservation && nowMs - Date.parse(trigger.time) > rules.staleDetectionSeconds * 1000) return [];

  pruneBefore(state, nowMs - Math.max(rules.breaker.windowSeconds, rules.rateLimit.windowSeconds) * 1000);
  const target = trigger.data.target;
  const cause = { id: causeId, correlationId: trigger.correlationId };
  const attempt = incident.attempts + 1;
  const facts = { ...(state.knownGood.has(targetKey(target)) ? { knownGood: state.knownGood.get(targetKey(target))! } : {}) };
  const choice = incident.maintenance ? chooseScheduled(incident.maintenance) : choose(target, incident.check, { attemptsByAction: incident.attemptsByAction, facts });
  if (incident.awaitingApproval && (!choice || approvalReason(choice, rules))) return [];
  const nothingToRun: RemediationChoice = { action: 'none', params: {}, risk: 'low' };
  const decision = (outcome: 'execute' | 'needs_approval' | 'denied', rule: string, reason: string, notBeforeMs = nowMs) => {
    const { action, params, risk } = choice ?? nothingToRun;
    return decisionEvent(cause, target, { action, params, risk, outcome, rule, reason, attempt, notBefore: new Date(notBeforeMs).toISOString() }, now);
  };

  if (!choice) {
    const reason = `no automatic remediation for ${incident.check} on ${targetKey(target)} (remediation.overrides or the kind's default): a person decides`;
    const denied = decision('denied', RULE.noRemediation, reason);
    return [denied, escalationEvent(cause, denied, target, RULE.noRemediation, reason, incident.attempts, now)];
  }
  const attemptsOfChoice = incident.attemptsByAction[choice.action] ?? 0;
  if (choice.maxAttemptsPerIncident !== undefined && attemptsOfChoice >= choice.maxAttemptsPerIncident) {
    const why = `${choice.action} already ran ${attemptsOfChoice} time(s) in this incident and ${incident.check} still fails (${triggerReason(trigger)})`;
    const reason = `${why}${choice.note ? `; ${choice.note}` : ''}: nothing more is done automatically`.slice(0, 1024);
    const denied = decision('denied', RULE.remediationExhausted, reason);
    return [denied, escalationEvent(cause, denied, target, RULE.remediationExhausted, reason, incident.attempts, now)];
  }
  const previousAttempts = countSince(state.attemptsByTarget.get(targetKey(target)), nowMs - rules.breaker.windowSeconds * 1000);
  if (previousAttempts >= rules.breaker.maxAttempts) {
    const reason = `${previousAttempts} actions on ${targetKey(target)} within ${rules.breaker.windowSeconds}s (limit ${rules.breaker.maxAttempts}): stopped acting`;
    const denied = decision('denied', RULE.circuitBreaker, reason);
    return [denied, escalationEvent(cause, denied, target, RULE.circuitBreaker, reason, previousAttempts, now)];
  }
  const windowStart = nowMs - rules.rateLimit.windowSeconds * 1000;
  const recent = state.actionTimes.filter((t) => t > windowStart);
  if (recent.length >= rules.rateLimit.maxActions) {
    // Due again when the oldest action in the window leaves it: the policy's sweep decides then, re-detection or not.
    const freedAtMs = Math.min(...recent) + rules.rateLimit.windowSeconds * 1000;
    return [decision('denied', RULE.rateLimit, `${recent.length} actions in the last ${rules.rateLimit.windowSeconds}s (limit ${rules.rateLimit.maxActions})`, freedAtMs)];
  }
  const approval = approvalReason(choice, rules);
  if (approval && incident.maintenance) return [decision('denied', RULE.approvalRequired, `${approval}: a scheduled run does not wait for a person; run it by hand or raise the autonomy`)];
  if (approval) {
    const asked = decision('needs_approval', RULE.approvalRequired, approval);
    return [asked, approvalRequestedFor(asked, new Date(nowMs + rules.approvalExpirySeconds * 1000), now)];
  }
  const delayMs = backoffDelayMs(attempt, rules.backoff);
  const why = retryOf ? 'the rate limit allows it again' : triggerReason(trigger);
  const rule = incident.maintenance ? RULE.scheduledMaintenance : RULE.autoRemediation;
  return [decision('execute', rule, `${choice.action} (${choice.risk} risk): ${why}; attempt ${attempt}${delayMs ? ` after ${delayMs} ms backoff` : ''}`, nowMs + delayMs)];
}

type Cause = { id: string; correlationId: string };

type DecisionFields = Omit<RemediationChoice, 'maxAttemptsPerIncident' | 'note'> & { outcome: 'execute' | 'needs_approval' | 'denied'; rule: string; reason: string; attempt: number; notBefore: string };

function decisionEvent(cause: Cause, target: TargetRef, fields: DecisionFields, now: Date): JarvisEventOf<'RemediationDecided'> {
  return createEvent({
    id: derivedId('RemediationDecided', cause.id),
    type: 'RemediationDecided',
    source: 'policy',
    time: now.toISOString(),
    subject: targetKey(target),
    correlationId: cause.correlationId,
    causationId: cause.id,
    data: { target, ...fields, params: { ...fields.params } },
  });
}

function escalationEvent(
  cause: Cause,
  decision: JarvisEventOf<'RemediationDecided'>,
  target: TargetRef,
  rule: string,
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
    data: { target, rule, reason, attempts },
  });
}
