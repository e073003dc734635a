import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { jetstreamManager, StorageType } from '@nats-io/jetstream';
import { connect, nanos, type NatsConnection } from '@nats-io/transport-node';
import { containerTarget, createEvent, derivedId, EVENT_STREAM_NAME, newId, type JarvisEvent } from '@jarvis/contracts';
import { eventStreamConfig, EventProcessorRunner, EventStoreMisconfigured, JetStreamEventLog, type Delivery, type EventProcessor, type StoredEvent } from '@jarvis/event-log';
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
    // A stream made by an older Jarvis, which still allowed deletes and purges: the readFrom test below needs them.
    await (await jetstreamManager(nc)).streams.add({ ...eventStreamConfig(EVENT_STREAM_NAME), deny_delete: false, deny_purge: false });
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
    assert.equal((await log.position()).lastSeq, b.seq);
    const read: string[] = [];
    for await (const stored of log.readFrom(a.seq)) read.push(stored.event.subject);
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
    const first = new EventProcessorRunner(log, opener('opener'), quiet, { service: 'monitor' });
    await first.start();
    await waitFor('some incidents opened', async () => (await countOf('IncidentOpened')) >= 1);
    await first.stop();
    const second = new EventProcessorRunner(log, opener('opener'), quiet, { service: 'monitor' });
    await second.start();
    const detections = await countOf('DetectionRecorded');
    await waitFor('an incident per detection', async () => (await countOf('IncidentOpened')) === detections);
    await second.stop();
    const opened = await eventsOf('IncidentOpened');
    assert.equal(new Set(opened.map((e) => e.causationId)).size, opened.length, 'no detection opened two incidents');
  });

  it('keeps every acknowledged event when nats-server is killed -9 and restarted', async () => {
    const before = (await log.position()).lastSeq;
    const appended = detection('durable');
    await log.append(appended);
    await nats.process().kill9();
    await nats.restart();
    await waitFor('the client to reconnect', async () => (await log.position()).lastSeq === before + 1, 20_000, 200);
    const subjects = (await eventsOf('DetectionRecorded')).map((e) => e.id);
    assert.ok(subjects.includes(appended.id));
    const next = await log.append(detection('after-restart'));
    assert.equal(next.seq, before + 2);
  });

  it('readFrom ends with what is stored now when the last sequence holds no message (purge, deleted last message)', async () => {
    const jsm = await jetstreamManager(nc);
    const kept = await log.append(detection('kept'));
    const last = await log.append(detection('deleted-last'));
    await jsm.streams.deleteMessage(EVENT_STREAM_NAME, last.seq);
    assert.equal((await log.position()).lastSeq, last.seq, 'the stream still reports the deleted sequence as its last');
    const read = await withTimeout(collect(log.readFrom(kept.seq)), 5_000, 'readFrom after deleting the last message');
    assert.deepEqual(read.map((s) => s.seq), [kept.seq]);
    assert.deepEqual(await withTimeout(collect(log.readFrom(last.seq)), 5_000, 'readFrom past every message'), []);
    await jsm.streams.purge(EVENT_STREAM_NAME);
    assert.deepEqual(await withTimeout(collect(log.readFrom(1)), 5_000, 'readFrom of a purged stream'), []);
  });

  it('refuses an existing stream that is not configured as Jarvis needs, naming each setting', async () => {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: 'HANDMADE', subjects: ['handmade.>'], storage: StorageType.Memory, max_age: nanos(3_600_000), duplicate_window: nanos(1_000) });
    const error = await JetStreamEventLog.open(nc, { stream: 'HANDMADE' }).then(
      () => assert.fail('a memory stream was accepted'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof EventStoreMisconfigured);
    assert.match(error.message, /stream HANDMADE is not configured as Jarvis needs/);
    assert.match(error.message, /storage is memory, must be file/);
    assert.match(error.message, /max_age is 3600 s, must be 0/);
    assert.match(error.message, /subjects are \["handmade\.>"\], must include jarvis\.events\.>/);
    assert.match(error.message, /duplicate_window is 1 s, must be at least 120 s/);
    assert.match(error.message, /Fix: .*nats stream edit HANDMADE/);
    await jsm.streams.delete('HANDMADE');
  });

  it('opens a stream made without deny_delete and deny_purge, and says what it lacks and how to add it', () => {
    assert.deepEqual(log.hardeningGaps, [
      'event store: stream JARVIS_EVENTS allows deleting or purging its events (deny_delete and deny_purge off); turn them on with `nats stream edit JARVIS_EVENTS --deny-delete --deny-purge`',
    ]);
  });

  async function eventsOf(type: string): Promise<JarvisEvent[]> {
    const out: JarvisEvent[] = [];
    for await (const stored of log.readFrom(1)) if (stored.event.type === type) out.push(stored.event);
    return out;
  }

  async function countOf(type: string): Promise<number> {
    return (await eventsOf(type)).length;
  }
});

async function collect(events: AsyncIterable<StoredEvent>): Promise<StoredEvent[]> {
  const out: StoredEvent[] = [];
  for await (const stored of events) out.push(stored);
  return out;
}

async function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: still reading after ${ms} ms`)), ms)));
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
