import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { readRawFrom, readStoredBatches } from '@jarvis/audit-store';
import { EVENT_STREAM_NAME } from '@jarvis/contracts';
import { JetStreamEventLog } from '@jarvis/event-log';
import { incidentOpened } from '../support/event-fixtures.js';
import { LossyRelay } from '../support/lossy-relay.js';
import { startNats, type NatsHarness } from '../support/nats-harness.js';
import { killAllTracked } from '../support/processes.js';

const EVENTS = 5000;
/** Some of the first pull's deliveries get through (each is about 600 bytes), the rest of that pull is lost. */
const PASSED_BYTES = 150_000;

/**
 * The readers that rebuild state (a service's start-up replay, the checkpointer, the audit commands) use consumers
 * that acknowledge nothing, so the server never sends again what a dropped connection lost. Each must still hand on
 * every stored message once, in order: a relay between the reader and a real nats-server loses a burst of
 * deliveries the server believes it sent, then cuts the connection, and the reader reconnects.
 */
describe('readers hand on every message once when a dropped connection loses deliveries', { timeout: 120_000 }, () => {
  let nats: NatsHarness;
  let relay: LossyRelay;
  let reader: NatsConnection;
  let writer: NatsConnection;

  before(async () => {
    nats = await startNats();
    writer = await connect({ servers: [nats.url] });
    const log = await JetStreamEventLog.open(writer);
    for (let i = 0; i < EVENTS; i += 250) await Promise.all(Array.from({ length: 250 }, (_, k) => log.append(incidentOpened(`app-${i + k}`))));
    relay = await LossyRelay.start(nats.port);
    reader = await connect({ servers: [relay.url], reconnectTimeWait: 50, maxReconnectAttempts: -1, reconnectJitter: 0 });
  });

  after(async () => {
    await reader?.close();
    await writer?.close();
    await relay?.close();
    await nats?.stop();
    await killAllTracked();
  });

  /** Reads with `read` while the relay loses a burst: the sequences read, and how many bytes were lost. */
  async function readThroughLoss(read: () => AsyncIterable<number>): Promise<{ seqs: number[]; lost: number }> {
    const lost = relay.loseAfter(PASSED_BYTES);
    const seqs: number[] = [];
    for await (const seq of read()) seqs.push(seq);
    return { seqs, lost: await lost };
  }

  function range(from: number, to: number): number[] {
    return Array.from({ length: to - from + 1 }, (_, i) => from + i);
  }

  it("the checkpointer's reader (lost in the middle of the stream)", async () => {
    const jsm = await jetstreamManager(reader);
    const { seqs, lost } = await readThroughLoss(async function* () {
      for await (const record of readRawFrom(jsm, jetstream(reader), EVENT_STREAM_NAME, 1)) yield record.seq;
    });
    assert.ok(lost > 100_000, `the relay lost ${lost} bytes of deliveries`);
    assert.deepEqual(seqs, range(1, EVENTS));
  });

  it("a service's start-up replay, every event decoded (lost in the middle)", async () => {
    const log = await JetStreamEventLog.open(reader);
    const names = new Set<string>();
    const { seqs, lost } = await readThroughLoss(async function* () {
      for await (const stored of log.readFrom(1)) {
        if (stored.event.type === 'IncidentOpened') names.add(stored.event.data.target.id);
        yield stored.seq;
      }
    });
    assert.ok(lost > 100_000, `the relay lost ${lost} bytes of deliveries`);
    assert.deepEqual(seqs, range(1, EVENTS));
    assert.equal(names.size, EVENTS);
  });

  it("the audit commands' reader up to a sequence (the last deliveries lost: nothing more will come)", async () => {
    const from = EVENTS - 999;
    const { seqs, lost } = await readThroughLoss(async function* () {
      for await (const batch of readStoredBatches(reader, EVENT_STREAM_NAME, from, EVENTS)) yield* batch.map((message) => message.seq);
    });
    assert.ok(lost > 100_000, `the relay lost ${lost} bytes of deliveries`);
    assert.deepEqual(seqs, range(from, EVENTS));
  });

  it("a service's start-up replay whose last deliveries were lost, ending on the consumer's pending count", async () => {
    const log = await JetStreamEventLog.open(reader);
    const from = EVENTS - 999;
    const { seqs, lost } = await readThroughLoss(async function* () {
      for await (const stored of log.readFrom(from)) yield stored.seq;
    });
    assert.ok(lost > 100_000, `the relay lost ${lost} bytes of deliveries`);
    assert.deepEqual(seqs, range(from, EVENTS));
  });
});
