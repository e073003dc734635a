import { createEvent, derivedId, type JarvisEvent, type JarvisEventOf } from '@jarvis/contracts';
import { countSince, type ConsequenceView, type IncidentView, type PolicyState } from './policy-state.js';
import { approvalReason, RULE, type PolicyRules } from './policy-rules.js';
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
 * escalates the incident naming it. Nothing is decided for a consequence whose remediation needs a person, is not
 * registered, or would pass the breaker or the rate limit: the grace (`correlation.consequenceGraceSeconds`) then
 * escalates as before. Pure: the time comes in, the ids derive from the trigger.
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
  const attempt = incident.attempts + 1;
  const reason = `${incident.targetKey} is fixed and verified; ${next.targetKey} ${next.check} still fails: ${choice.action} (${choice.risk} risk)`;
  return [
    createEvent({
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
        outcome: 'execute',
        rule: RULE.consequenceRemediation,
        reason,
        attempt,
        notBefore: now.toISOString(),
        consequenceCheck: next.check,
      },
    }),
  ];
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
 * DNS record), the first not yet acted on whose remediation runs without a person; farther ones wait for these.
 */
function nextRemediation(incident: IncidentView, rules: PolicyRules, choose: ChooseRemediation): { next: ConsequenceView; choice: RemediationChoice } | null {
  const ordered = consequencesInRemediationOrder(incident);
  const nearest = ordered.filter((c) => c.chainLength === ordered[0]?.chainLength && c.decisionId === null);
  for (const next of nearest) {
    const choice = choose(next.target, next.check, { attemptsByAction: {}, facts: {} });
    if (choice && !approvalReason(choice, rules)) return { next, choice };
  }
  return null;
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
