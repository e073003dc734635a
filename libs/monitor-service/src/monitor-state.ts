import type { JarvisEvent } from '@jarvis/contracts';
import { emptyIncidentBook, evolveIncidents, type IncidentBook } from '@jarvis/incidents';

export type MonitorState = {
  incidents: IncidentBook;
  /** Targets last seen stopped through the Docker API, with when: the owner stopped them, Jarvis leaves them be. */
  operatorStops: Map<string, number>;
};

export function initialMonitorState(): MonitorState {
  return { incidents: emptyIncidentBook(), operatorStops: new Map() };
}

export function evolveMonitor(state: MonitorState, event: JarvisEvent): MonitorState {
  if (event.type === 'DetectionRecorded' && event.data.status !== 'failed') {
    if (event.data.status === 'stopped') state.operatorStops.set(event.subject, Date.parse(event.time));
    return state;
  }
  evolveIncidents(state.incidents, event);
  return state;
}
