import { assertNever, type JarvisEvent, type JarvisEventOf } from '@jarvis/contracts';

export type ActionRecord = { decision: JarvisEventOf<'RemediationDecided'> | null; startedAt: string | null; finished: boolean };

/** Per decision: whether its action was started and whether an outcome was recorded. */
export type ExecutorState = Map<string, ActionRecord>;

export function evolveExecutor(state: ExecutorState, event: JarvisEvent): ExecutorState {
  switch (event.type) {
    case 'RemediationDecided':
      if (event.data.outcome === 'execute') update(state, event.id, { decision: event });
      return state;
    case 'ActionStarted':
      update(state, event.data.decisionId, { startedAt: event.time });
      return state;
    case 'ActionSucceeded':
    case 'ActionFailed':
    case 'ActionRefused':
    case 'DecisionSuperseded':
      update(state, event.data.decisionId, { decision: null, finished: true });
      return state;
    case 'DetectionRecorded':
    case 'IncidentOpened':
    case 'VerificationPassed':
    case 'VerificationFailed':
    case 'IncidentResolved':
    case 'IncidentEscalated':
      return state;
    default:
      return assertNever(event);
  }
}

/** Decisions whose action was started by a run that did not record its outcome. */
export function interruptedDecisions(state: ExecutorState): JarvisEventOf<'RemediationDecided'>[] {
  return [...state.values()].flatMap((r) => (r.decision && r.startedAt && !r.finished ? [r.decision] : []));
}

function update(state: ExecutorState, decisionId: string, change: Partial<ActionRecord>): void {
  state.set(decisionId, { decision: null, startedAt: null, finished: false, ...state.get(decisionId), ...change });
}
