import type { JarvisEvent, JarvisEventOf } from '@jarvis/contracts';
import { emptyIncidentBook, evolveIncidents, type IncidentBook } from '@jarvis/incidents';

export type MonitorState = {
  incidents: IncidentBook;
  /** Targets last seen stopped through the Docker API, with when: the owner stopped them, Jarvis leaves them be. */
  operatorStops: Map<string, number>;
  /** Actions awaiting verification, by decision: when each began (the restart must come after) and its success. */
  unverified: Map<string, { startedAt: number | null; succeeded: JarvisEventOf<'ActionSucceeded'> | null }>;
};

export function initialMonitorState(): MonitorState {
  return { incidents: emptyIncidentBook(), operatorStops: new Map(), unverified: new Map() };
}

export function evolveMonitor(state: MonitorState, event: JarvisEvent): MonitorState {
  if (event.type === 'DetectionRecorded' && event.data.status !== 'failed') {
    if (event.data.status === 'stopped') state.operatorStops.set(event.subject, Date.parse(event.time));
    return state;
  }
  if (event.type === 'ActionStarted') state.unverified.set(event.data.decisionId, { startedAt: Date.parse(event.time), succeeded: null });
  if (event.type === 'ActionSucceeded') {
    const known = state.unverified.get(event.data.decisionId);
    state.unverified.set(event.data.decisionId, { startedAt: known?.startedAt ?? null, succeeded: event });
  }
  if (event.type === 'VerificationPassed' || event.type === 'VerificationFailed' || event.type === 'ActionFailed' || event.type === 'ActionRefused' || event.type === 'DecisionSuperseded') {
    state.unverified.delete(event.data.decisionId);
  }
  evolveIncidents(state.incidents, event);
  return state;
}

/** Successful actions whose verification a previous run started and did not finish. */
export function unverifiedActions(state: MonitorState): JarvisEventOf<'ActionSucceeded'>[] {
  return [...state.unverified.values()].flatMap((a) => (a.succeeded ? [a.succeeded] : []));
}
