import type { JarvisEvent } from '@jarvis/contracts';

export type ActionRecord = { startedAt: string | null; finished: boolean };

/** Per decision: whether its action was started and whether an outcome was recorded. */
export type ExecutorState = Map<string, ActionRecord>;

export function evolveExecutor(state: ExecutorState, event: JarvisEvent): ExecutorState {
  switch (event.type) {
    case 'ActionStarted':
      state.set(event.data.decisionId, { startedAt: event.time, finished: state.get(event.data.decisionId)?.finished ?? false });
      return state;
    case 'ActionSucceeded':
    case 'ActionFailed':
      state.set(event.data.decisionId, { startedAt: state.get(event.data.decisionId)?.startedAt ?? null, finished: true });
      return state;
    case 'DetectionRecorded':
    case 'IncidentOpened':
    case 'RemediationDecided':
    case 'VerificationPassed':
    case 'VerificationFailed':
    case 'IncidentResolved':
    case 'IncidentEscalated':
      return state;
    default:
      return assertNever(event);
  }
}

function assertNever(value: never): never {
  throw new Error(`unhandled event type: ${JSON.stringify((value as { type?: unknown }).type)}`);
}
