import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AckPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { ChainRecord } from '@jarvis/audit-chain';
import { chainRecordOf, readRawBySequence, readRawRange, readStoredBatches } from '@jarvis/audit-store';
import { EVENT_STREAM_NAME } from '@jarvis/contracts';
import { deliveryPosition, JetStreamEventLog, type StoredMessage } from '@jarvis/event-log';
import { incidentOpened } from '../support/event-fixtures.js';
import { freePort, killAllTracked, spawnTracked, waitFor, type TrackedProcess } from '../support/processes.js';

const EVENTS = 300;

/** What a reader hands the chain, comparable: the sequence and a digest of everything hashed. */
function fingerprint(record: ChainRecord): string {
  const digest = createHash('sha256').update(record.subject).update(record.msgId).update(record.eventType).update(record.data).digest('hex');
  return `${record.seq}:${digest}`;
}

/** The replay's reader, batch by batch, as chain records: it must hand on exactly what the record reader does. */
async function* flattened(batches: AsyncIterable<StoredMessage[]>, sizes: number[]): AsyncIterable<ChainRecord> {
  for await (const batch of batches) {
    sizes.push(batch.length);
    yield* batch.map(chainRecordOf);
  }
}

async function collect(records: AsyncIterable<ChainRecord>): Promise<string[]> {
  const seen: string[] = [];
  for await (const record of records) seen.push(fingerprint(record));
  return seen;
}

/**
 * A nats-server with two users: `writer` may do anything, `reader` may only read messages by sequence (the
 * operator's grant before it could create readers), so consumers are refused to it.
 */
async function startServer(dir: string): Promise<{ url: string; proc: TrackedProcess }> {
  const port = await freePort();
  writeFileSync(
    join(dir, 'server.conf'),
    [
      `listen: 127.0.0.1:${port}`,
      `jetstream { store_dir: "${join(dir, 'js')}" }`,
      'authorization {',
      '  users = [',
      '    { user: writer, password: writer-secret }',
      '    { user: reader, password: reader-secret, permissions: { publish: { allow: ["$JS.API.INFO", "$JS.API.STREAM.INFO.*", "$JS.API.STREAM.MSG.GET.*"] }, subscribe: { allow: ["_INBOX.>"] } } }',
      '  ]',
      '}',
      '',
    ].join('\n'),
  );
  const proc = spawnTracked('nats-server', ['-c', join(dir, 'server.conf')], { logFile: join(dir, 'nats.log') });
  await waitFor('nats-server ready', () => {
    if (proc.child.exitCode !== null) throw new Error(`nats-server exited with ${proc.child.exitCode}:\n${proc.log()}`);
    return proc.log().includes('Server is ready');
  }, 10_000);
  return { url: `nats://127.0.0.1:${port}`, proc };
}

describe('the audit commands read the event stream with a consumer, or by sequence when refused one', { timeout: 120_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'jarvis-audit-readers-'));
  let server: { url: string; proc: TrackedProcess };
  let writer: NatsConnection;
  let reader: NatsConnection;
  let expected: string[];

  before(async () => {
    server = await startServer(dir);
    writer = await connect({ servers: [server.url], user: 'writer', pass: 'writer-secret' });
    reader = await connect({ servers: [server.url], user: 'reader', pass: 'reader-secret' });
    const log = await JetStreamEventLog.open(writer);
    for (let i = 0; i < EVENTS; i++) await log.append(incidentOpened(`app-${i % 7}`));
    const jsm = await jetstreamManager(writer);
    expected = await collect(readRawBySequence(jsm, EVENT_STREAM_NAME, 1, EVENTS));
    assert.equal(expected.length, EVENTS);
  });

  after(async () => {
    await reader?.close();
    await writer?.close();
    await server?.proc.stop();
    await killAllTracked();
  });

  it('reads every message of a range in order through a named consumer, exactly what the direct gets return', async () => {
    assert.deepEqual(await collect(readRawRange(writer, EVENT_STREAM_NAME, 1, EVENTS)), expected);
    const names: string[] = [];
    for await (const consumer of (await jetstreamManager(writer)).consumers.list(EVENT_STREAM_NAME)) names.push(consumer.name);
    assert.ok(names.some((name) => name.startsWith('reader-')), `a reader consumer was used: ${names.join(', ')}`);
  });

  it('hands on the same messages a pull at a time for the replay, through a consumer or by sequence', async () => {
    for (const [connection, from, to] of [[writer, 1, EVENTS], [writer, 21, 250], [reader, 21, 250]] as const) {
      const sizes: number[] = [];
      assert.deepEqual(await collect(flattened(readStoredBatches(connection, EVENT_STREAM_NAME, from, to), sizes)), expected.slice(from - 1, to));
      assert.ok(sizes.every((size) => size > 0 && size <= 512), `batch sizes ${sizes.join(',')}`);
    }
  });

  it('reads where each delivery sits from its reply subject, as the client would: the replay never needs the client parse', async () => {
    const jsm = await jetstreamManager(writer);
    await jsm.consumers.add(EVENT_STREAM_NAME, { name: 'position-check', ack_policy: AckPolicy.None });
    const messages = await (await jetstream(writer).consumers.get(EVENT_STREAM_NAME, 'position-check')).fetch({ max_messages: 50 });
    let seen = 0;
    for await (const msg of messages) {
      const reply = (msg as unknown as { reply: string }).reply;
      assert.deepEqual(deliveryPosition(reply), { seq: msg.info.streamSequence, delivery: msg.info.deliverySequence, pending: msg.info.pending }, reply);
      seen += 1;
    }
    assert.equal(seen, 50);
    await jsm.consumers.delete(EVENT_STREAM_NAME, 'position-check');
  });

  it('stops at the end of the range given, though more is stored after it', async () => {
    assert.deepEqual(await collect(readRawRange(writer, EVENT_STREAM_NAME, 21, 250)), expected.slice(20, 250));
  });

  it('reads nothing from an empty range, or from past the last message, without waiting', async () => {
    assert.deepEqual(await collect(readRawRange(writer, EVENT_STREAM_NAME, 10, 9)), []);
    assert.deepEqual(await collect(readRawRange(writer, EVENT_STREAM_NAME, EVENTS + 1, EVENTS + 50)), []);
  });

  it('reads the same range by sequence as an identity refused consumers', async () => {
    const before = server.proc.log().split('\n').filter((line) => /Violation/i.test(line)).length;
    assert.deepEqual(await collect(readRawRange(reader, EVENT_STREAM_NAME, 21, 250)), expected.slice(20, 250));
    const refusals = server.proc.log().split('\n').filter((line) => /Violation/i.test(line)).slice(before);
    assert.ok(refusals.some((line) => line.includes('$JS.API.CONSUMER.CREATE.JARVIS_EVENTS.reader-')), `the consumer was refused first:\n${refusals.join('\n')}`);
  });
});
