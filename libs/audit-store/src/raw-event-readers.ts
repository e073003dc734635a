import { randomUUID } from 'node:crypto';
import { AckPolicy, DeliverPolicy, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { nanos, type MsgHdrs } from '@nats-io/transport-node';
import type { ChainRecord } from '@jarvis/audit-chain';
import { EVENT_TYPE_HEADER } from '@jarvis/event-log';

const MSG_ID_HEADER = 'Nats-Msg-Id';

type StoredMessage = { seq: number; subject: string; data: Uint8Array; headers: MsgHdrs | undefined };

/** The stored message as the chain hashes it: whatever it holds, valid or not, since the bytes are the record. */
export function chainRecordOf(message: StoredMessage): ChainRecord {
  const header = (key: string) => (message.headers?.has(key) ? message.headers.get(key) : '');
  return { seq: message.seq, subject: message.subject, msgId: header(MSG_ID_HEADER), eventType: header(EVENT_TYPE_HEADER), data: message.data };
}

/**
 * Every message stored from `fromSeq` on as of the call, through a short-lived named consumer (what the services'
 * NATS identities allow). It stops on the consumer's pending count, like `EventLog.readFrom`.
 */
export async function* readRawFrom(jsm: JetStreamManager, js: JetStreamClient, stream: string, fromSeq: number): AsyncIterable<ChainRecord> {
  const reader = await jsm.consumers.add(stream, {
    name: `reader-${randomUUID()}`,
    ack_policy: AckPolicy.None,
    deliver_policy: DeliverPolicy.StartSequence,
    opt_start_seq: Math.max(1, fromSeq),
    inactive_threshold: nanos(60_000),
  });
  try {
    if (reader.num_pending === 0) return;
    const consumer = await js.consumers.get(stream, reader.name);
    const messages = await consumer.consume({ max_messages: 512 });
    try {
      for await (const msg of messages) {
        yield chainRecordOf({ seq: msg.seq, subject: msg.subject, data: msg.data, headers: msg.headers });
        if (msg.info.pending === 0) break;
      }
    } finally {
      await messages.close().catch(() => undefined);
    }
  } finally {
    await jsm.consumers.delete(stream, reader.name).catch(() => undefined);
  }
}

/**
 * Messages `from..to` by direct sequence look-ups (`STREAM.MSG.GET`, which the read-only operator identity may
 * call), `window` requests in flight; a sequence holding no message is skipped, which the verifier sees as a gap.
 */
export async function* readRawBySequence(jsm: JetStreamManager, stream: string, from: number, to: number, window = 64): AsyncIterable<ChainRecord> {
  const inFlight: Promise<ChainRecord | undefined>[] = [];
  let next = from;
  const request = (seq: number) =>
    jsm.streams.getMessage(stream, { seq }).then((message) => (message ? chainRecordOf({ seq: message.seq, subject: message.subject, data: message.data, headers: message.header }) : undefined));
  try {
    while (next <= to || inFlight.length > 0) {
      while (next <= to && inFlight.length < window) inFlight.push(request(next++));
      const record = await inFlight.shift()!;
      if (record) yield record;
    }
  } finally {
    // A reader that stops early leaves requests in flight: their answers, or failures, are not anyone's to handle.
    await Promise.allSettled(inFlight);
  }
}
