import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { jetstream, jetstreamManager, StorageType } from '@nats-io/jetstream';
import { connect, nanos, type NatsConnection } from '@nats-io/transport-node';
import { containerTarget, createEvent, EVENT_STREAM_NAME, newId, type JarvisEvent } from '@jarvis/contracts';
import { eventStreamConfig, EventStoreMisconfigured, JetStreamEventLog, type EventLog, type StoredEvent } from '@jarvis/event-log';
import { describeEventLogContract, type EventLogContractSettings, type EventLogUnderTest } from '@jarvis/event-log/contract';
import { startNats, type NatsHarness } from '../support/nats-harness.js';
import { killAllTracked, waitFor } from '../support/processes.js';

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

/** One nats-server for the file, started by whichever test needs it first. */
let nats: NatsHarness | undefined;
let connection: Promise<NatsConnection> | undefined;

function natsConnection(): Promise<NatsConnection> {
  connection ??= startNats().then((started) => {
    nats = started;
    return connect({ servers: [started.url], maxReconnectAttempts: -1, reconnectTimeWait: 200 });
  });
  return connection;
}

after(async () => {
  await (await connection?.catch(() => undefined))?.close().catch(() => undefined);
  await nats?.stop();
  await killAllTracked();
});

/** The stream takes every subject Jarvis publishes on, so a fresh store is the stream deleted and created again. */
async function freshJetStreamLog({ ackWaitMs }: EventLogContractSettings, olderStream = false): Promise<EventLogUnderTest> {
  const nc = await natsConnection();
  const jsm = await jetstreamManager(nc);
  await jsm.streams.delete(EVENT_STREAM_NAME).catch(() => undefined);
  // A stream made by an older Jarvis still allowed deletes and purges, which the tests of readFrom below need.
  if (olderStream) await jsm.streams.add({ ...eventStreamConfig(EVENT_STREAM_NAME), deny_delete: false, deny_purge: false });
  const log = await JetStreamEventLog.open(nc, { ackWaitMs });
  const js = jetstream(nc);
  return {
    log,
    storeForeign: async (subject, bytes) => {
      await js.publish(subject, bytes);
    },
    close: async () => {
      await jsm.streams.delete(EVENT_STREAM_NAME).catch(() => undefined);
    },
  };
}

describeEventLogContract('JetStream', freshJetStreamLog);

describe('JetStream event log against a real nats-server: what only JetStream does', { timeout: 120_000 }, () => {
  let nc: NatsConnection;
  let log: EventLog;

  before(async () => {
    nc = await natsConnection();
    ({ log } = await freshJetStreamLog({ ackWaitMs: 2000 }, true));
  });

  it('opens a stream made without deny_delete and deny_purge, and says what it lacks and how to add it', () => {
    assert.deepEqual((log as JetStreamEventLog).hardeningGaps, [
      'event store: stream JARVIS_EVENTS allows deleting or purging its events (deny_delete and deny_purge off); turn them on with `nats stream edit JARVIS_EVENTS --deny-delete --deny-purge`',
    ]);
  });

  it('keeps every acknowledged event when nats-server is killed -9 and restarted', async () => {
    const before = (await log.position()).lastSeq;
    const appended = detection('durable');
    await log.append(appended);
    await nats!.process().kill9();
    await nats!.restart();
    await waitFor('the client to reconnect', async () => (await log.position()).lastSeq === before + 1, 20_000, 200);
    const ids = (await collect(log.readFrom(1))).map((s) => s.event.id);
    assert.ok(ids.includes(appended.id));
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
