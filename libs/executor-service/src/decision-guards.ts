import { approvalDigest, caseKeyOf, targetKey, validateParams, type JarvisEventOf, type RefusalReason } from '@jarvis/contracts';
import { approvalReason, type PolicyRules } from '@jarvis/policy';
import type { RemediationAction } from '@jarvis/registry';
import type { CaseView, ExecutorState } from './executor-state.js';

type Decision = JarvisEventOf<'RemediationDecided'>;

export type Refusal = { refusal: RefusalReason; reason: string };

export type GuardRules = {
  maxDecisionAgeMs: number;
  /** The same autonomy the policy applies: an action beyond it runs only on a recorded, unused, matching grant. */
  autonomy: Pick<PolicyRules, 'autoRestart' | 'maxAutonomousRisk'>;
};

/** A decision the executor may carry out: its action, with the parameters as that action's own class read them. */
export type TrustedDecision = { action: RemediationAction; params: object };

/**
 * What the log alone says against acting on a decision: any NATS client can publish one, so a decision is trusted
 * only when it names a known action of its target's kind with parameters that action accepts, is fresh, and is the
 * pending decision of an open incident of its target.
 */
export function judgeDecision(
  state: ExecutorState,
  decision: Decision,
  actions: ReadonlyMap<string, RemediationAction>,
  now: Date,
  rules: GuardRules,
): { refused: Refusal } | TrustedDecision {
  const target = targetKey(decision.data.target);
  const action = actions.get(decision.data.action);
  if (!action || action.kind !== decision.data.target.kind) return refuse('unknown_action', `no action "${decision.data.action}" for ${target}`);
  const params = validateParams(action.params, decision.data.params);
  if (!params.ok) return refuse('invalid_params', `${decision.data.action} refuses its parameters: ${params.errors.join('; ')}`);
  const ageMs = now.getTime() - Math.max(Date.parse(decision.time), Date.parse(decision.data.notBefore));
  if (ageMs > rules.maxDecisionAgeMs) {
    return refuse('decision_stale', `decided ${Math.round(ageMs / 1000)}s ago (limit ${rules.maxDecisionAgeMs / 1000}s, executor.maxDecisionAgeSeconds)`);
  }
  const view = state.cases.get(decision.correlationId);
  if (!view || !view.open || !concerns(view, decision) || decision.subject !== target) {
    return refuse('no_open_case', `no open incident ${decision.correlationId} for ${target}${consequenceNamed(decision)}`);
  }
  if (view.escalated) return refuse('no_open_case', `incident ${decision.correlationId} was escalated: a person decides now`);
  if (view.pendingDecisionId !== decision.id) {
    return refuse('not_the_pending_decision', `incident ${decision.correlationId} is waiting on ${view.pendingDecisionId ?? 'no decision'}`);
  }
  const unapproved = approvalProblem(view, decision, action, rules);
  if (unapproved) return refuse('approval_missing', unapproved);
  return { action, params: params.value };
}

/**
 * An action beyond the policy's autonomy needs the grant the decision cites: recorded in this case, about exactly
 * this action, target and parameters, given before its request expired, and used by no other decision.
 */
function approvalProblem(view: CaseView, decision: Decision, action: RemediationAction, rules: GuardRules): string | null {
  const needs = approvalReason({ action: action.name, risk: action.risk }, rules.autonomy);
  if (!needs) return null;
  const grantId = decision.data.approvalId;
  const grant = grantId ? view.grants.get(grantId) : undefined;
  const request = grant ? view.approvalRequests.get(grant.requestId) : undefined;
  if (!grant || !request) return `${action.name} needs a person's approval (${needs}) and the decision cites no grant recorded in this case`;
  if (grant.usedBy !== decision.id) return `grant ${grantId} was already used by decision ${grant.usedBy}: a grant executes once`;
  const { action: name, target, params, consequenceCheck } = decision.data;
  const digest = approvalDigest({ action: name, target, params, consequenceCheck });
  if (grant.digest !== digest || request.digest !== digest) return `grant ${grantId} approved something else than this decision would run (digest mismatch)`;
  if (Date.parse(request.expiresAt) < Date.parse(decision.time)) return `the approval request expired at ${request.expiresAt}, before the decision`;
  return null;
}

/**
 * The decision is about the case's own target, or about a consequence of it that still fails (`consequenceCheck`):
 * a consequence is remediated under its root's case, and only while the log says it is linked and failing.
 */
function concerns(view: CaseView, decision: Decision): boolean {
  const target = targetKey(decision.data.target);
  const check = decision.data.consequenceCheck;
  return check === undefined ? view.target === target : view.failingConsequences.has(caseKeyOf(target, check));
}

function consequenceNamed(decision: Decision): string {
  const check = decision.data.consequenceCheck;
  return check === undefined ? '' : ` with ${check} failing as a consequence`;
}

function refuse(refusal: RefusalReason, reason: string): { refused: Refusal } {
  return { refused: { refusal, reason } };
}
