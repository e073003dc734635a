import { assertNever, targetKey, type JarvisEvent } from '@jarvis/contracts';
import { isTrigger, type Trigger } from './trigger.js';

export type IncidentView = {
  targetKey: string;
  open: boolean;
  escalated: boolean;
  /** The execute decision whose outcome (action failed, verification) has not been recorded yet. */
  pendingDecisionId: string | null;
  /** Execute decisions within this incident: the backoff grows with them and starts afresh with a new incident. */
  attempts: number;
  /** The latest event that could lead to a decision for this incident. */
  lastTrigger: Trigger | null;
};

/** What the policy remembers. Rebuilt from the log at start, so a restart never resets a count. */
export type PolicyState = {
  incidents: Map<string, IncidentView>;
  /** Trigger events that already got a decision: a redelivered trigger is answered by this, not decided twice. */
  decidedTriggers: Set<string>;
  /** Times of execute decisions per target (breaker, backoff) and per action type (rate limit). */
  attemptsByTarget: Map<string, number[]>;
  actionsByType: Map<string, number[]>;
};

export function initialPolicyState(): PolicyState {
  return { incidents: new Map(), decidedTriggers: new Set(), attemptsByTarget: new Map(), actionsByType: new Map() };
}

/** Folds one fact into the state. It mutates and returns the state it is given: the caller owns that state. */
export function evolvePolicy(state: PolicyState, event: JarvisEvent): PolicyState {
  foldFact(state, event);
  if (isTrigger(event)) withIncident(state, event.correlationId, (incident) => (incident.lastTrigger = event));
  return state;
}

/**
 * Triggers of incidents still waiting for a decision: a policy that died between a trigger and its decision
 * decides them at start instead of after the log's redelivery.
 */
export function undecidedTriggers(state: PolicyState): Trigger[] {
  return [...state.incidents.values()].flatMap((i) =>
    i.open && !i.escalated && !i.pendingDecisionId && i.lastTrigger && !state.decidedTriggers.has(i.lastTrigger.id) ? [i.lastTrigger] : [],
  );
}

function foldFact(state: PolicyState, event: JarvisEvent): PolicyState {
  switch (event.type) {
    case 'IncidentOpened':
      state.incidents.set(event.correlationId, { targetKey: targetKey(event.data.target), open: true, escalated: false, pendingDecisionId: null, attempts: 0, lastTrigger: null });
      return state;
    case 'RemediationDecided': {
      if (event.causationId) state.decidedTriggers.add(event.causationId);
      if (event.data.outcome !== 'execute') return state;
      const incident = state.incidents.get(event.correlationId);
      if (incident) {
        incident.pendingDecisionId = event.id;
        incident.attempts += 1;
      }
      const at = Date.parse(event.time);
      push(state.attemptsByTarget, targetKey(event.data.target), at);
      push(state.actionsByType, event.data.action, at);
      return state;
    }
    case 'ActionFailed':
    case 'ActionRefused':
    case 'DecisionSuperseded':
    case 'VerificationPassed':
    case 'VerificationFailed': {
      const incident = state.incidents.get(event.correlationId);
      if (incident && incident.pendingDecisionId === event.data.decisionId) incident.pendingDecisionId = null;
      return state;
    }
    case 'IncidentEscalated':
      withIncident(state, event.correlationId, (incident) => (incident.escalated = true));
      return state;
    case 'IncidentResolved':
      withIncident(state, event.correlationId, (incident) => {
        incident.open = false;
        incident.pendingDecisionId = null;
      });
      return state;
    case 'DetectionRecorded':
    case 'ActionStarted':
    case 'ActionSucceeded':
      return state;
    default:
      return assertNever(event);
  }
}

/** Drops times that can no longer count for any window, so long-running state stays small. */
export function pruneBefore(state: PolicyState, cutoff: number): void {
  for (const map of [state.attemptsByTarget, state.actionsByType]) {
    for (const [key, times] of map) {
      const kept = times.filter((t) => t >= cutoff);
      if (kept.length === 0) map.delete(key);
      else map.set(key, kept);
    }
  }
}

export function countSince(times: number[] | undefined, since: number): number {
  return (times ?? []).filter((t) => t > since).length;
}

function push(map: Map<string, number[]>, key: string, value: number): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function withIncident(state: PolicyState, id: string, fn: (incident: IncidentView) => void): void {
  const incident = state.incidents.get(id);
  if (incident) fn(incident);
}
