import { targetKey, validateParams, type JarvisEventOf, type RefusalReason } from '@jarvis/contracts';
import type { RemediationAction } from '@jarvis/registry';
import type { ExecutorState } from './executor-state.js';

type Decision = JarvisEventOf<'RemediationDecided'>;

export type Refusal = { refusal: RefusalReason; reason: string };

export type GuardRules = { maxDecisionAgeMs: number };

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
  if (!view || !view.open || view.target !== target || decision.subject !== target) {
    return refuse('no_open_case', `no open incident ${decision.correlationId} for ${target}`);
  }
  if (view.escalated) return refuse('no_open_case', `incident ${decision.correlationId} was escalated: a person decides now`);
  if (view.pendingDecisionId !== decision.id) {
    return refuse('not_the_pending_decision', `incident ${decision.correlationId} is waiting on ${view.pendingDecisionId ?? 'no decision'}`);
  }
  return { action, params: params.value };
}

function refuse(refusal: RefusalReason, reason: string): { refused: Refusal } {
  return { refused: { refusal, reason } };
}
