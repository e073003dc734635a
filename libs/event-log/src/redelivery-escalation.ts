import { createEvent, derivedId, type JarvisEvent, type ServiceName } from '@jarvis/contracts';

export const REDELIVERY_EXHAUSTED = 'redelivery_exhausted';

/** The fact that one processor gave up on one event: derived from both, so a repeat of it is the same event. */
export function redeliveryExhausted(
  processor: string,
  source: ServiceName,
  event: JarvisEvent,
  attempts: number,
  lastError: string,
  now: Date,
): JarvisEvent {
  const reason = `${processor} gave up on ${event.type} ${event.id} after ${attempts} failed deliveries; last error: ${lastError}`;
  return createEvent({
    id: derivedId(REDELIVERY_EXHAUSTED, processor, event.id),
    type: 'IncidentEscalated',
    source,
    time: now.toISOString(),
    subject: event.subject,
    correlationId: event.correlationId,
    causationId: event.id,
    data: { target: event.data.target, rule: REDELIVERY_EXHAUSTED, reason: reason.slice(0, 1024), attempts },
  });
}
