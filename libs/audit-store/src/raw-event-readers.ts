import { jetstream, jetstreamManager, type ConsumerInfo, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { PermissionViolationError, type NatsConnection } from '@nats-io/transport-node';
import type { ChainRecord } from '@jarvis/audit-chain';
import { addReader, EVENT_TYPE_HEADER, PULL_BATCH, readBySequence, readerBatches, readStoredFrom, type StoredMessage } from '@jarvis/event-log';

const MSG_ID_HEADER = 'Nats-Msg-Id';

/** The stored message as the chain hashes it: whatever it holds, valid or not, since the bytes are the record. */
export function chainRecordOf(message: StoredMessage): ChainRecord {
  const header = (key: string) => (message.headers?.has(key) ? message.headers.get(key) : '');
  return { seq: message.seq, subject: message.subject, msgId: header(MSG_ID_HEADER), eventType: header(EVENT_TYPE_HEADER), data: message.data };
}

/** `readStoredFrom` as chain records: what the checkpointer hashes. */
export async function* readRawFrom(jsm: JetStreamManager, js: JetStreamClient, stream: string, fromSeq: number): AsyncIterable<ChainRecord> {
  for await (const batch of readStoredFrom(jsm, js, stream, fromSeq)) yield* batch.map(chainRecordOf);
}

/**
 * Messages `from..to` in stream order, for the audit commands: through a short-lived named consumer, about 14 times
 * faster than direct gets, or by sequence when the identity is refused consumers. The consumer is left to expire
 * (`READER_IDLE_MS` after its last pull) rather than deleted: the read-only operator identity may create and pull
 * one, not delete anything.
 */
export async function* readRawRange(nc: NatsConnection, stream: string, from: number, to: number): AsyncIterable<ChainRecord> {
  for await (const batch of readStoredBatches(nc, stream, from, to)) yield* batch.map(chainRecordOf);
}

/**
 * `readRawRange` up to 512 messages at a time, headers left undecoded: what a reader that keeps up with the log
 * needs, one step of iteration per batch instead of per message.
 */
export async function* readStoredBatches(nc: NatsConnection, stream: string, from: number, to: number): AsyncIterable<StoredMessage[]> {
  if (from > to) return;
  const jsm = await jetstreamManager(nc);
  let reader: ConsumerInfo;
  try {
    reader = await addReader(jsm, stream, from, READER_IDLE_MS);
  } catch (error) {
    if (!isRefused(error)) throw error;
    yield* batchesOf(readBySequence(jsm, stream, from, to));
    return;
  }
  yield* readerBatches(jsm, jetstream(nc), stream, reader, to);
}

/** Long enough to outlast a pause between two pulls of a slow reader, short enough not to pile up. */
const READER_IDLE_MS = 30_000;

async function* batchesOf(messages: AsyncIterable<StoredMessage>): AsyncIterable<StoredMessage[]> {
  let batch: StoredMessage[] = [];
  for await (const message of messages) {
    batch.push(message);
    if (batch.length === PULL_BATCH) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

function isRefused(error: unknown): boolean {
  for (let e = error as { cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (e instanceof PermissionViolationError) return true;
  }
  return false;
}

/**
 * Messages `from..to` by direct sequence look-ups (`STREAM.MSG.GET`, which the read-only operator identity may
 * call), `window` requests in flight; a sequence holding no message is skipped, which the verifier sees as a gap.
 */
export async function* readRawBySequence(jsm: JetStreamManager, stream: string, from: number, to: number, window = 64): AsyncIterable<ChainRecord> {
  for await (const message of readBySequence(jsm, stream, from, to, window)) yield chainRecordOf(message);
}
