import type { JarvisEvent, JarvisEventOf } from '@jarvis/contracts';

/**
 * What can lead to a decision: a new incident, a fresh failure within an open one, or a failed attempt. The first
 * detection of an incident is stored before IncidentOpened, so the incident's opening is its trigger.
 */
export type Trigger = JarvisEventOf<'IncidentOpened' | 'DetectionRecorded' | 'VerificationFailed' | 'ActionFailed'>;

export function isTrigger(event: JarvisEvent): event is Trigger {
  if (event.type === 'DetectionRecorded') return event.data.status === 'failed';
  return event.type === 'IncidentOpened' || event.type === 'VerificationFailed' || event.type === 'ActionFailed';
}
