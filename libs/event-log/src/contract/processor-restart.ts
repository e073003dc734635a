import assert from 'node:assert/strict';
import { createEvent, derivedId, type JarvisEvent } from '@jarvis/contracts';
import type { EventLog } from '../event-log.js';
import { EventProcessorRunner, type EventProcessor } from '../event-processor.js';
import { eventually, readAll, sampleEvent } from './deliveries.js';

const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };

/** Emits one IncidentOpened per detection, with an id derived from it: the shape of every real processor. */
function opener(): EventProcessor<Set<string>> {
  return {
    name: 'contract-opener',
    initialState: () => new Set<string>(),
    evolve: (opened, event) => (event.type === 'IncidentOpened' ? opened.add(event.causationId!) : opened),
    handles: (event) => event.type === 'DetectionRecorded',
    concurrencyKey: () => 'one',
    handle: async (event, ctx) => {
      if (ctx.state().has(event.id) || event.type !== 'DetectionRecorded') return;
      await ctx.emit(
        createEvent({
          id: derivedId('IncidentOpened', event.id),
          type: 'IncidentOpened',
          source: 'monitor',
          time: event.time,
          subject: event.subject,
          correlationId: event.correlationId,
          causationId: event.id,
          data: { target: event.data.target, check: 'container_state', detectionId: event.id, faultAt: event.data.faultAt, summary: event.data.reason },
        }),
      );
    },
  };
}

async function eventsOf(log: EventLog, type: JarvisEvent['type']): Promise<JarvisEvent[]> {
  return (await readAll(log)).map((s) => s.event).filter((e) => e.type === type);
}

/** Stops a runner once it has emitted something, starts another on the same durable, and counts the outputs. */
export async function restartedProcessorEmitsOnce(log: EventLog): Promise<void> {
  for (const label of ['p1', 'p2', 'p3']) await log.append(sampleEvent(label));
  const first = new EventProcessorRunner(log, opener(), quiet, { service: 'monitor' });
  await first.start();
  await eventually('a first incident opened', async () => (await eventsOf(log, 'IncidentOpened')).length >= 1);
  await first.stop();
  const second = new EventProcessorRunner(log, opener(), quiet, { service: 'monitor' });
  await second.start();
  await eventually('an incident per detection', async () => (await eventsOf(log, 'IncidentOpened')).length === 3);
  await second.stop();
  const opened = await eventsOf(log, 'IncidentOpened');
  assert.equal(new Set(opened.map((e) => e.causationId)).size, opened.length, 'no detection opened two incidents');
}
