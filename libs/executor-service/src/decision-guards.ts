import { containerChecks, watchedBecause, worstOf, type ContainerSnapshot } from '@jarvis/checks';
import type { WatchConfig } from '@jarvis/config';
import { targetKey, type JarvisEventOf, type RefusalReason } from '@jarvis/contracts';
import type { ExecutorState } from './executor-state.js';

type Decision = JarvisEventOf<'RemediationDecided'>;

export type Refusal = { refusal: RefusalReason; reason: string };

export type GuardRules = { maxDecisionAgeMs: number };

/**
 * What the log alone says against acting on a decision: any NATS client can publish one, so a decision is trusted
 * only when it names a known action, is fresh, and is the pending decision of an open incident of its target.
 */
export function refusalOf(state: ExecutorState, decision: Decision, actionApplies: boolean, now: Date, rules: GuardRules): Refusal | null {
  const target = targetKey(decision.data.target);
  if (!actionApplies) return { refusal: 'unknown_action', reason: `no action "${decision.data.action}" for ${target}` };
  const ageMs = now.getTime() - Math.max(Date.parse(decision.time), Date.parse(decision.data.notBefore));
  if (ageMs > rules.maxDecisionAgeMs) {
    return { refusal: 'decision_stale', reason: `decided ${Math.round(ageMs / 1000)}s ago (limit ${rules.maxDecisionAgeMs / 1000}s, executor.maxDecisionAgeSeconds)` };
  }
  const view = state.cases.get(decision.correlationId);
  if (!view || !view.open || view.target !== target || decision.subject !== target) {
    return { refusal: 'no_open_case', reason: `no open incident ${decision.correlationId} for ${target}` };
  }
  if (view.escalated) return { refusal: 'no_open_case', reason: `incident ${decision.correlationId} was escalated: a person decides now` };
  if (view.pendingDecisionId !== decision.id) {
    return { refusal: 'not_the_pending_decision', reason: `incident ${decision.correlationId} is waiting on ${view.pendingDecisionId ?? 'no decision'}` };
  }
  return null;
}

export type Reobservation = { kind: 'refused'; refusal: Refusal } | { kind: 'superseded'; evidence: string } | { kind: 'fault_holds' };

/** What a fresh look at the target says: act only on a watched container whose fault still holds. */
export function judgeReobservation(snapshot: ContainerSnapshot | null, watch: WatchConfig, now: Date): Reobservation {
  if (!snapshot) return { kind: 'superseded', evidence: 'the container no longer exists' };
  if (!watchedBecause(snapshot.name, snapshot.labels, watch)) {
    return { kind: 'refused', refusal: { refusal: 'target_not_watched', reason: `${snapshot.name} is not watched (not named in jarvis.yaml, no label ${watch.label})` } };
  }
  const result = worstOf(containerChecks().map((check) => check.evaluate({ snapshot, stoppedByOperator: false }, now)));
  if (result.status === 'failed') return { kind: 'fault_holds' };
  return { kind: 'superseded', evidence: `${result.check} ${result.status} when the executor looked again: ${result.reason}` };
}
