import type { JarvisEvent } from '@jarvis/contracts';
import { emptyIncidentBook, evolveIncidents, type IncidentBook } from '@jarvis/incidents';

export type MonitorState = {
  incidents: IncidentBook;
  /** Targets last seen stopped through the Docker API, with when: the owner stopped them, Jarvis leaves them be. */
  operatorStops: Map<string, number>;
  /** When each decision's action began: verification needs the restart to have happened after that. */
  actionStarts: Map<string, number>;
};

export function initialMonitorState(): MonitorState {
  return { incidents: emptyIncidentBook(), operatorStops: new Map(), actionStarts: new Map() };
}

export function evolveMonitor(state: MonitorState, event: JarvisEvent): MonitorState {
  if (event.type === 'DetectionRecorded' && event.data.status !== 'failed') {
    if (event.data.status === 'stopped') state.operatorStops.set(event.subject, Date.parse(event.time));
    return state;
  }
  if (event.type === 'ActionStarted') state.actionStarts.set(event.data.decisionId, Date.parse(event.time));
  if (event.type === 'VerificationPassed' || event.type === 'VerificationFailed' || event.type === 'ActionFailed') state.actionStarts.delete(event.data.decisionId);
  evolveIncidents(state.incidents, event);
  return state;
}
