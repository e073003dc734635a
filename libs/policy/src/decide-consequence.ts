import { createEvent, derivedId, type JarvisEvent, type JarvisEventOf } from '@jarvis/contracts';
import { countSince, type ConsequenceView, type IncidentView, type PolicyState } from './policy-state.js';
import { approvalReason, RULE, type PolicyRules } from './policy-rules.js';
import { approvalRequestedFor } from './approval-events.js';
import type { ChooseRemediation, RemediationChoice } from './remediation-choice.js';

/**
 * What may move a verified incident's consequences on: the root's fix verified, a consequence recovering (the next
 * one's turn), a consequence's remediation settling (superseded, verified) or failing.
 */
export type ConsequenceTrigger = JarvisEventOf<'VerificationPassed' | 'ConsequenceRecovered' | 'DecisionSuperseded' | 'ActionFailed' | 'VerificationFailed' | 'ActionRefused'>;

const CONSEQUENCE_TRIGGERS: ReadonlySet<JarvisEvent['type']> = new Set(['VerificationPassed', 'ConsequenceRecovered', 'DecisionSuperseded', 'ActionFailed', 'VerificationFailed', 'ActionRefused']);

export function isConsequenceTrigger(event: JarvisEvent): event is ConsequenceTrigger {
  return CONSEQUENCE_TRIGGERS.has(event.type);
}

/**
 * Once the root's fix is verified, each consequence still failing gets its own remediation under the root's case,
 * one at a time, nearest the root first (the DNS record before the certificate that needs it): an execute decision
 * on the consequence's target naming its check (`consequenceCheck`). A consequence gets one attempt; its failure
 * escalates the incident naming it. One whose remediation needs a person gets a needs_approval decision and an
 * approval request under the root's case, as a root's would (`decideOnGrant` executes a grant once,
 * `decideOnUnanswered` escalates a rejection or expiry); those that run on their own go first. Nothing is decided
 * for a consequence with no registered remediation, or that would pass the breaker or the rate limit: the grace
 * (`correlation.consequenceGraceSeconds`) then escalates. Pure: the time comes in, the ids derive from the trigger.
 */
export function decideConsequenceRemediation(state: PolicyState, trigger: ConsequenceTrigger, rules: PolicyRules, now: Date, choose: ChooseRemediation): JarvisEvent[] {
  if (state.decidedTriggers.has(trigger.id)) return [];
  const incident = state.incidents.get(trigger.correlationId);
  if (!incident || !incident.open || incident.escalated || incident.maintenance) return [];
  const failed = failedRemediation(incident, trigger);
  if (failed) return [escalation(incident, trigger, failed, now)];
  if (!incident.rootVerified || incident.pendingDecisionId || incident.pendingApprovalId) return [];
  const found = nextRemediation(incident, rules, choose);
  if (!found || !withinLimits(state, found.next, rules, now)) return [];
  const { next, choice } = found;
  const approval = approvalReason(choice, rules);
  const why = `${incident.targetKey} is fixed and verified; ${next.targetKey} ${next.check} still fails: ${choice.action} (${choice.risk} risk)`;
  const decision = consequenceDecision(trigger, next, choice, incident.attempts + 1, approval ? { outcome: 'needs_approval', rule: RULE.approvalRequired, reason: `${why} needs approval: ${approval}` } : { outcome: 'execute', rule: RULE.consequenceRemediation, reason: why }, now);
  if (!approval) return [decision];
  return [decision, approvalRequestedFor(decision, new Date(now.getTime() + rules.approvalExpirySeconds * 1000), now)];
}

type Verdict = { outcome: 'execute' | 'needs_approval'; rule: string; reason: string };

function consequenceDecision(trigger: ConsequenceTrigger, next: ConsequenceView, choice: RemediationChoice, attempt: number, verdict: Verdict, now: Date): JarvisEventOf<'RemediationDecided'> {
  return createEvent({
      id: derivedId('RemediationDecided', trigger.id),
      type: 'RemediationDecided',
      source: 'policy',
      time: now.toISOString(),
      subject: next.targetKey,
      correlationId: trigger.correlationId,
      causationId: trigger.id,
      data: {
        target: next.target,
        action: choice.action,
        params: { ...choice.params },
        risk: choice.risk,
        ...verdict,
        reason: verdict.reason.slice(0, 1024),
        attempt,
        notBefore: now.toISOString(),
        consequenceCheck: next.check,
      },
    });
}

/** The failing consequences, nearest the root first, then in the order they joined (as `remediationOrder` in @jarvis/incidents). */
export function consequencesInRemediationOrder(incident: IncidentView): ConsequenceView[] {
  return incident.consequences
    .map((consequence, joined) => ({ consequence, joined }))
    .filter(({ consequence }) => consequence.failing)
    .sort((a, b) => a.consequence.chainLength - b.consequence.chainLength || a.joined - b.joined)
    .map(({ consequence }) => consequence);
}

/**
 * Among the failing consequences nearest the root (a certificate and the Caddy that orders it both sit behind the
 * DNS record), the first not yet acted on that has a remediation, those running without a person before those that
 * need one (no wait for an answer holds them up); farther ones wait for these.
 */
function nextRemediation(incident: IncidentView, rules: PolicyRules, choose: ChooseRemediation): { next: ConsequenceView; choice: RemediationChoice } | null {
  const ordered = consequencesInRemediationOrder(incident);
  const nearest = ordered.filter((c) => c.chainLength === ordered[0]?.chainLength && c.decisionId === null);
  const candidates = nearest.flatMap((next) => {
    const choice = choose(next.target, next.check, { attemptsByAction: {}, facts: {} });
    return choice ? [{ next, choice }] : [];
  });
  return candidates.find(({ choice }) => !approvalReason(choice, rules)) ?? candidates[0] ?? null;
}

type Failure = { consequence: ConsequenceView; what: string };

/** A consequence's own remediation failed (the action, or its verification) while the consequence still fails. */
function failedRemediation(incident: IncidentView, trigger: ConsequenceTrigger): Failure | null {
  if (trigger.type !== 'ActionFailed' && trigger.type !== 'VerificationFailed') return null;
  const consequence = incident.consequences.find((c) => c.decisionId === trigger.data.decisionId);
  if (!consequence?.failing) return null;
  const what = trigger.type === 'ActionFailed' ? `${trigger.data.action} failed: ${trigger.data.error}` : `its verification failed: ${trigger.data.reason}`;
  return { consequence, what };
}

function withinLimits(state: PolicyState, next: ConsequenceView, rules: PolicyRules, now: Date): boolean {
  const nowMs = now.getTime();
  const onTarget = countSince(state.attemptsByTarget.get(next.targetKey), nowMs - rules.breaker.windowSeconds * 1000);
  const recent = countSince(state.actionTimes, nowMs - rules.rateLimit.windowSeconds * 1000);
  return onTarget < rules.breaker.maxAttempts && recent < rules.rateLimit.maxActions;
}

function escalation(incident: IncidentView, trigger: ConsequenceTrigger, { consequence, what }: Failure, now: Date): JarvisEventOf<'IncidentEscalated'> {
  const reason = `${incident.targetKey} is fixed and verified, but the remediation of its consequence ${consequence.targetKey} ${consequence.check} failed (${what}): a person decides`;
  return createEvent({
    id: derivedId('IncidentEscalated', trigger.id),
    type: 'IncidentEscalated',
    source: 'policy',
    time: now.toISOString(),
    subject: incident.targetKey,
    correlationId: trigger.correlationId,
    causationId: trigger.id,
    data: { target: incident.target, rule: RULE.consequenceRemediationFailed, reason: reason.slice(0, 1024), attempts: incident.attempts },
  });
}
