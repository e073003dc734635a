import type { ActionParams, JarvisEvent, JarvisEventOf } from '@jarvis/contracts';
import { emptyIncidentBook, evolveIncidents, DEFAULT_INCIDENT_BOOK_LIMITS, type IncidentBook, type IncidentBookLimits } from '@jarvis/incidents';

type UnverifiedAction = {
  incidentId: string;
  startedAt: number | null;
  /** What ran, from ActionStarted: verification re-runs the check with the same parameters. */
  params: ActionParams | null;
  succeeded: JarvisEventOf<'ActionSucceeded'> | null;
};

export type MonitorState = {
  incidents: IncidentBook;
  /** Targets last seen stopped through the Docker API, with when: the owner stopped them, Jarvis leaves them be. */
  operatorStops: Map<string, number>;
  /** Actions awaiting verification, by decision: when each began (the restart must come after) and its success. */
  unverified: Map<string, UnverifiedAction>;
  /** Maintenance runs not finished yet, by case id. */
  maintenanceRuns: Map<string, JarvisEventOf<'MaintenanceStarted'>>;
  /** The latest slot each schedule ran for, by schedule id: a slot never runs twice, a missed one runs once. */
  lastRunAt: Map<string, number>;
};

export function initialMonitorState(): MonitorState {
  return { incidents: emptyIncidentBook(), operatorStops: new Map(), unverified: new Map(), maintenanceRuns: new Map(), lastRunAt: new Map() };
}

export function evolveMonitor(state: MonitorState, event: JarvisEvent, limits: IncidentBookLimits = DEFAULT_INCIDENT_BOOK_LIMITS): MonitorState {
  forgetBefore(state, Date.parse(event.time) - limits.closedRetentionMs);
  if (event.type === 'DetectionRecorded' && event.data.status !== 'failed') {
    if (event.data.status === 'stopped') {
      state.operatorStops.delete(event.subject);
      state.operatorStops.set(event.subject, Date.parse(event.time));
    }
    return state;
  }
  if (event.type === 'ActionStarted') {
    state.unverified.set(event.data.decisionId, { incidentId: event.correlationId, startedAt: Date.parse(event.time), params: event.data.params, succeeded: null });
  }
  if (event.type === 'ActionSucceeded') {
    const known = state.unverified.get(event.data.decisionId);
    state.unverified.set(event.data.decisionId, { incidentId: event.correlationId, startedAt: known?.startedAt ?? null, params: known?.params ?? null, succeeded: event });
  }
  if (event.type === 'VerificationPassed' || event.type === 'VerificationFailed' || event.type === 'ActionFailed' || event.type === 'ActionRefused' || event.type === 'DecisionSuperseded') {
    state.unverified.delete(event.data.decisionId);
  }
  if (event.type === 'IncidentResolved' || event.type === 'MaintenanceFinished') forgetActionsOf(state, event.correlationId);
  if (event.type === 'MaintenanceStarted') {
    state.maintenanceRuns.set(event.correlationId, event);
    state.lastRunAt.set(event.data.schedule, Math.max(state.lastRunAt.get(event.data.schedule) ?? 0, Date.parse(event.data.slotAt)));
  }
  if (event.type === 'MaintenanceFinished') state.maintenanceRuns.delete(event.correlationId);
  evolveIncidents(state.incidents, event, limits);
  return state;
}

/** Successful actions whose verification a previous run started and did not finish. */
export function unverifiedActions(state: MonitorState): JarvisEventOf<'ActionSucceeded'>[] {
  return [...state.unverified.values()].flatMap((a) => (a.succeeded ? [a.succeeded] : []));
}

/** A closed incident needs no verification any more (e.g. withdrawn by its owner while an action ran). */
function forgetActionsOf(state: MonitorState, incidentId: string): void {
  for (const [decisionId, action] of state.unverified) if (action.incidentId === incidentId) state.unverified.delete(decisionId);
}

/**
 * Owner stops and unfinished actions older than the retention horizon, judged from event times (oldest first). A
 * target that stays stopped has its stop recorded again before then (see reconcileOutcome).
 */
function forgetBefore(state: MonitorState, horizon: number): void {
  for (const [target, stoppedAt] of state.operatorStops) {
    if (stoppedAt > horizon) break;
    state.operatorStops.delete(target);
  }
  for (const [decisionId, action] of state.unverified) {
    if (actionTime(action) > horizon) break;
    state.unverified.delete(decisionId);
  }
}

function actionTime(action: UnverifiedAction): number {
  return action.startedAt ?? (action.succeeded ? Date.parse(action.succeeded.time) : Number.NEGATIVE_INFINITY);
}
