import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { containerTarget, createEvent, derivedId, newId, type JarvisEvent } from '@jarvis/contracts';
import { EventProcessorRunner, JetStreamEventLog, type Delivery, type EventProcessor } from '@jarvis/event-log';
import { startNats, type NatsHarness } from '../support/nats-harness.js';
import { killAllTracked, waitFor } from '../support/processes.js';

const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };

function detection(name = 'web', at = new Date()): JarvisEvent {
  const incident = newId();
  return createEvent({
    id: newId(),
    type: 'DetectionRecorded',
    source: 'monitor',
    time: at.toISOString(),
    subject: `container:${name}`,
    correlationId: incident,
    causationId: null,
    data: { target: containerTarget(name), check: 'container_state', status: 'failed', reason: 'exited with code 137', faultAt: at.toISOString() },
  });
}

/** Emits one IncidentOpened per detection, with an id derived from it: the shape of every real processor. */
function opener(name: string): EventProcessor<Set<string>> {
  return {
    name,
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
          data: { target: event.data.target, detectionId: event.id, faultAt: event.data.faultAt, summary: event.data.reason },
        }),
      );
    },
  };
}

describe('JetStream event log against a real nats-server', { timeout: 120_000 }, () => {
  let nats: NatsHarness;
  let nc: NatsConnection;
  let log: JetStreamEventLog;

  before(async () => {
    nats = await startNats();
    nc = await connect({ servers: [nats.url], maxReconnectAttempts: -1, reconnectTimeWait: 200 });
    log = await JetStreamEventLog.open(nc, { ackWaitMs: 2000 });
  });

  after(async () => {
    await nc?.close().catch(() => undefined);
    await nats?.stop();
    await killAllTracked();
  });

  it('appends in order and de-duplicates a repeated event id', async () => {
    const first = detection('a');
    const a = await log.append(first);
    const b = await log.append(detection('b'));
    const again = await log.append(first);
    assert.equal(b.seq, a.seq + 1);
    assert.equal(again.duplicate, true);
    assert.equal(await log.lastSequence(), b.seq);
    const read: string[] = [];
    for await (const stored of log.read(1, b.seq)) read.push(stored.event.subject);
    assert.deepEqual(read, ['container:a', 'container:b']);
  });

  it('resumes a durable subscription after the last settled delivery, and redelivers a retry', async () => {
    const seen: Delivery[] = [];
    const sub = await log.subscribe('resume-test', (d) => {
      seen.push(d);
      d.settle(seen.length === 1 ? { kind: 'retry', afterMs: 100 } : { kind: 'done' });
    });
    await waitFor('both stored events and a redelivery', () => seen.length >= 3);
    await sub.stop();
    assert.equal(seen[1]!.redeliveries + seen[2]!.redeliveries, 1, 'the first delivery came again once');
    await log.append(detection('c'));
    const later: string[] = [];
    const again = await log.subscribe('resume-test', (d) => {
      if (d.decoded.ok) later.push(d.decoded.stored.event.subject);
      d.settle({ kind: 'done' });
    });
    await waitFor('the new event', () => later.length >= 1);
    await again.stop();
    assert.deepEqual(later, ['container:c']);
  });

  it('a processor stopped mid-way and restarted produces each output exactly once', async () => {
    for (const name of ['p1', 'p2', 'p3']) await log.append(detection(name));
    const first = new EventProcessorRunner(log, opener('opener'), quiet);
    await first.start();
    await waitFor('some incidents opened', async () => (await countOf('IncidentOpened')) >= 1);
    await first.stop();
    const second = new EventProcessorRunner(log, opener('opener'), quiet);
    await second.start();
    const detections = await countOf('DetectionRecorded');
    await waitFor('an incident per detection', async () => (await countOf('IncidentOpened')) === detections);
    await second.stop();
    const opened = await eventsOf('IncidentOpened');
    assert.equal(new Set(opened.map((e) => e.causationId)).size, opened.length, 'no detection opened two incidents');
  });

  it('keeps every acknowledged event when nats-server is killed -9 and restarted', async () => {
    const before = await log.lastSequence();
    const appended = detection('durable');
    await log.append(appended);
    await nats.process().kill9();
    await nats.restart();
    await waitFor('the client to reconnect', async () => (await log.lastSequence()) === before + 1, 20_000, 200);
    const subjects = (await eventsOf('DetectionRecorded')).map((e) => e.id);
    assert.ok(subjects.includes(appended.id));
    const next = await log.append(detection('after-restart'));
    assert.equal(next.seq, before + 2);
  });

  async function eventsOf(type: string): Promise<JarvisEvent[]> {
    const out: JarvisEvent[] = [];
    for await (const stored of log.read(1, await log.lastSequence())) if (stored.event.type === type) out.push(stored.event);
    return out;
  }

  async function countOf(type: string): Promise<number> {
    return (await eventsOf(type)).length;
  }
});
