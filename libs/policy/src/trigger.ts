import type { JarvisEvent, JarvisEventOf } from '@jarvis/contracts';

/**
 * What can lead to a decision: a new incident, a fresh failure within an open one, a failed attempt, or a decision
 * that went stale before the executor could act on it (the executor was down): the fault may still hold, so the
 * policy decides afresh rather than leaving the incident waiting. The first detection of an incident is stored
 * before IncidentOpened, so the incident's opening is its trigger. A maintenance run's start is its only trigger.
 */
export type Trigger = JarvisEventOf<'IncidentOpened' | 'MaintenanceStarted' | 'DetectionRecorded' | 'VerificationFailed' | 'ActionFailed' | 'ActionRefused'>;

export function isTrigger(event: JarvisEvent): event is Trigger {
  if (event.type === 'DetectionRecorded') return event.data.status === 'failed';
  if (event.type === 'ActionRefused') return event.data.refusal === 'decision_stale';
  return event.type === 'IncidentOpened' || event.type === 'MaintenanceStarted' || event.type === 'VerificationFailed' || event.type === 'ActionFailed';
}
