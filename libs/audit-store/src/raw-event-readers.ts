import { randomUUID } from 'node:crypto';
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, type ConsumerInfo, type JetStreamClient, type JetStreamManager, type JsMsg } from '@nats-io/jetstream';
import { nanos, PermissionViolationError, type MsgHdrs, type NatsConnection } from '@nats-io/transport-node';
import type { ChainRecord } from '@jarvis/audit-chain';
import { EVENT_TYPE_HEADER } from '@jarvis/event-log';
import { deliveryPosition } from './delivery-position.js';

const MSG_ID_HEADER = 'Nats-Msg-Id';

/** A stored message as read; a delivered one decodes its headers only when asked (the replay never asks). */
export type StoredMessage = { readonly seq: number; readonly subject: string; readonly data: Uint8Array; readonly headers: MsgHdrs | undefined };

/** The stored message as the chain hashes it: whatever it holds, valid or not, since the bytes are the record. */
export function chainRecordOf(message: StoredMessage): ChainRecord {
  const header = (key: string) => (message.headers?.has(key) ? message.headers.get(key) : '');
  return { seq: message.seq, subject: message.subject, msgId: header(MSG_ID_HEADER), eventType: header(EVENT_TYPE_HEADER), data: message.data };
}

/** Messages per batch handed on. */
const PULL_BATCH = 512;

/**
 * How the readers pull (what the benchmark's raw read uses too): up to 2,048 messages outstanding, topped up once 512
 * are left. The client's default tops up at three quarters, one pull request (a socket write) per 128 messages.
 */
export const READER_PULL = { max_messages: 2048, threshold_messages: 512 } as const;

/**
 * Every message stored from `fromSeq` on as of the call, through a short-lived named consumer (what the services'
 * NATS identities allow). It stops on the consumer's pending count, like `EventLog.readFrom`.
 */
export async function* readRawFrom(jsm: JetStreamManager, js: JetStreamClient, stream: string, fromSeq: number): AsyncIterable<ChainRecord> {
  const reader = await addReader(jsm, stream, fromSeq, 60_000);
  try {
    for await (const batch of consumeReader(js, stream, reader, Number.POSITIVE_INFINITY)) yield* batch.map(chainRecordOf);
  } finally {
    await jsm.consumers.delete(stream, reader.name).catch(() => undefined);
  }
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
  yield* consumeReader(jetstream(nc), stream, reader, to);
}

/** Long enough to outlast a pause between two pulls of a slow reader, short enough not to pile up. */
const READER_IDLE_MS = 30_000;

function addReader(jsm: JetStreamManager, stream: string, fromSeq: number, idleMs: number): Promise<ConsumerInfo> {
  return jsm.consumers.add(stream, {
    name: `reader-${randomUUID()}`,
    ack_policy: AckPolicy.None,
    deliver_policy: DeliverPolicy.StartSequence,
    opt_start_seq: Math.max(1, fromSeq),
    inactive_threshold: nanos(idleMs),
  });
}

/** Up to `to` or what was pending when the consumer was made, whichever comes first, in batches of up to 512. */
async function* consumeReader(js: JetStreamClient, stream: string, reader: ConsumerInfo, to: number): AsyncIterable<StoredMessage[]> {
  if (reader.num_pending === 0) return;
  const consumer = await js.consumers.get(stream, reader.name);
  const messages = await consumer.consume(READER_PULL);
  let batch: StoredMessage[] = [];
  try {
    for await (const msg of messages) {
      const { seq, pending } = deliveryPosition(replyOf(msg)) ?? { seq: msg.seq, pending: msg.info.pending };
      if (seq > to) break;
      batch.push(new DeliveredMessage(msg, seq));
      if (seq === to || pending === 0) break;
      if (batch.length === PULL_BATCH) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  } finally {
    await messages.close().catch(() => undefined);
  }
}

/** The delivery's reply subject: the client's message holds it though its type does not say so; '' leaves the position to `info`. */
function replyOf(msg: JsMsg): string {
  const reply = (msg as { reply?: unknown }).reply;
  return typeof reply === 'string' ? reply : '';
}

/** A delivery as a stored message, its sequence read once; headers are decoded only if asked for. */
class DeliveredMessage implements StoredMessage {
  constructor(
    private readonly msg: JsMsg,
    readonly seq: number,
  ) {}

  get subject(): string {
    return this.msg.subject;
  }

  get data(): Uint8Array {
    return this.msg.data;
  }

  get headers(): MsgHdrs | undefined {
    return this.msg.headers;
  }
}

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

async function* readBySequence(jsm: JetStreamManager, stream: string, from: number, to: number, window = 64): AsyncIterable<StoredMessage> {
  const inFlight: Promise<StoredMessage | undefined>[] = [];
  let next = from;
  const request = (seq: number) =>
    jsm.streams.getMessage(stream, { seq }).then((message) => (message ? { seq: message.seq, subject: message.subject, data: message.data, headers: message.header } : undefined));
  try {
    while (next <= to || inFlight.length > 0) {
      while (next <= to && inFlight.length < window) inFlight.push(request(next++));
      const message = await inFlight.shift()!;
      if (message) yield message;
    }
  } finally {
    // A reader that stops early leaves requests in flight: their answers, or failures, are not anyone's to handle.
    await Promise.allSettled(inFlight);
  }
}
