import { randomUUID } from 'node:crypto';
import { AckPolicy, DeliverPolicy, type ConsumerInfo, type ConsumerMessages, type JetStreamClient, type JetStreamManager, type JsMsg } from '@nats-io/jetstream';
import { nanos, type MsgHdrs } from '@nats-io/transport-node';
import { deliveryPosition, type DeliveryPosition } from './delivery-position.js';
import { ReaderContinuity } from './reader-continuity.js';

/** A stored message as read; a delivered one decodes its headers only when asked (the replay never asks). */
export type StoredMessage = { readonly seq: number; readonly subject: string; readonly data: Uint8Array; readonly headers: MsgHdrs | undefined };

/** Messages per batch handed on. */
export const PULL_BATCH = 512;

/**
 * How the readers pull (what the benchmark's raw read uses too): up to 2,048 messages outstanding, topped up once 512
 * are left. The client's default tops up at three quarters, one pull request (a socket write) per 128 messages.
 */
export const READER_PULL = { max_messages: 2048, threshold_messages: 512 } as const;

/** How long a reader waits with nothing delivered before it asks its consumer whether the last deliveries were lost. */
const STALL_MS = 3000;

/**
 * A short-lived reader of the whole stream from `fromSeq`: named in the request subject, which least-privilege NATS
 * permissions can allow (a name-less create cannot be), and acknowledging nothing. It expires `idleMs` after its
 * last pull when nobody deletes it.
 */
export function addReader(jsm: JetStreamManager, stream: string, fromSeq: number, idleMs: number): Promise<ConsumerInfo> {
  return jsm.consumers.add(stream, {
    name: `reader-${randomUUID()}`,
    ack_policy: AckPolicy.None,
    deliver_policy: DeliverPolicy.StartSequence,
    opt_start_seq: Math.max(1, fromSeq),
    inactive_threshold: nanos(idleMs),
  });
}

/**
 * Every message stored from `fromSeq` on as of the call, through a reader of its own, deleted once done (what the
 * services' NATS identities allow): a service's start-up replay and the checkpointer read this way. It stops on the
 * consumer's pending count, not on the stream's last sequence: a purge or a deleted last message leaves a last
 * sequence that no message will ever reach.
 */
export async function* readStoredFrom(jsm: JetStreamManager, js: JetStreamClient, stream: string, fromSeq: number): AsyncIterable<StoredMessage[]> {
  const reader = await addReader(jsm, stream, fromSeq, 60_000);
  try {
    yield* readerBatches(jsm, js, stream, reader, Number.POSITIVE_INFINITY);
  } finally {
    await jsm.consumers.delete(stream, reader.name).catch(() => undefined);
  }
}

/**
 * What a reader made by `addReader` delivers from its start sequence, up to `to` or what was pending when it was
 * made, whichever comes first, in stream order and in batches of up to 512: each stored message once, none missing.
 * What the server had sent when the connection dropped is read by sequence instead (`ReaderContinuity`), and so is a
 * lost tail, which would otherwise leave the reader waiting for a delivery that never comes.
 */
export async function* readerBatches(jsm: JetStreamManager, js: JetStreamClient, stream: string, reader: ConsumerInfo, to: number): AsyncIterable<StoredMessage[]> {
  if (reader.num_pending === 0) return;
  const messages = await (await js.consumers.get(stream, reader.name)).consume(READER_PULL);
  const continuity = new ReaderContinuity(reader.config.opt_start_seq ?? 1);
  const watch = new LostTailWatch(jsm, stream, reader.name, continuity, to, messages);
  const batch: StoredMessage[] = [];
  /** Reads what was lost by sequence into the batch; a look-up is progress, as a delivery is. */
  async function* readLost(from: number, through: number): AsyncIterable<StoredMessage[]> {
    for await (const lost of readBySequence(jsm, stream, from, Math.min(through, to))) {
      watch.delivered();
      batch.push(lost);
      if (batch.length === PULL_BATCH) yield* watch.handOn(batch.splice(0));
    }
  }
  try {
    for await (const msg of messages) {
      watch.delivered();
      const position = positionOf(msg);
      const step = continuity.observe(position.seq, position.delivery);
      if (step.kind === 'again') {
        if (position.pending === 0 || position.seq >= to) break;
        continue;
      }
      if (step.kind === 'after-loss') yield* readLost(step.from, step.to);
      if (position.seq > to) break;
      batch.push(new DeliveredMessage(msg, position.seq));
      if (position.seq === to || position.pending === 0) break;
      if (batch.length === PULL_BATCH) yield* watch.handOn(batch.splice(0));
    }
    if (watch.lostThrough > 0) yield* readLost(continuity.next, watch.lostThrough);
    if (batch.length > 0) yield batch;
  } finally {
    watch.stop();
    await messages.close().catch(() => undefined);
  }
}

function positionOf(msg: JsMsg): DeliveryPosition {
  return deliveryPosition(replyOf(msg)) ?? { seq: msg.seq, delivery: msg.info.deliverySequence, pending: msg.info.pending };
}

/** The delivery's reply subject: the client's message holds it though its type does not say so; '' leaves the position to `info`. */
function replyOf(msg: JsMsg): string {
  const reply = (msg as { reply?: unknown }).reply;
  return typeof reply === 'string' ? reply : '';
}

/**
 * Notices a reader that has waited `STALL_MS` for a delivery the server says it sent: the consumer has nothing
 * pending, or has delivered past `to`, yet its last delivery is past what was handed on. It then ends the reader's
 * iteration, leaving `lostThrough` to be read by sequence. Time spent by whoever takes the batches does not count.
 */
class LostTailWatch {
  lostThrough = 0;
  private deliveries = 0;
  private seenAtTick = -1;
  private handing = false;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly jsm: JetStreamManager,
    private readonly stream: string,
    private readonly consumer: string,
    private readonly continuity: ReaderContinuity,
    private readonly to: number,
    private readonly messages: ConsumerMessages,
  ) {
    this.timer = setInterval(() => this.tick(), STALL_MS).unref();
  }

  delivered(): void {
    this.deliveries += 1;
  }

  *handOn(batch: StoredMessage[]): Iterable<StoredMessage[]> {
    this.handing = true;
    try {
      yield batch;
    } finally {
      this.handing = false;
      this.seenAtTick = -1;
    }
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private tick(): void {
    const stalled = !this.handing && this.deliveries === this.seenAtTick;
    this.seenAtTick = this.deliveries;
    if (stalled) void this.check(this.deliveries);
  }

  /** Asked of the server, so a failure (NATS still down) only means asking again at the next tick. */
  private async check(deliveries: number): Promise<void> {
    const info = await this.jsm.consumers.info(this.stream, this.consumer).catch(() => undefined);
    if (!info || this.deliveries !== deliveries || this.handing) return;
    const sent = info.delivered.stream_seq;
    if (sent < this.continuity.next || (info.num_pending > 0 && sent < this.to)) return;
    this.lostThrough = sent;
    this.messages.stop();
  }
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

/**
 * Messages `from..to` by direct sequence look-ups (`STREAM.MSG.GET`), `window` requests in flight; a sequence
 * holding no message is skipped.
 */
export async function* readBySequence(jsm: JetStreamManager, stream: string, from: number, to: number, window = 64): AsyncIterable<StoredMessage> {
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
