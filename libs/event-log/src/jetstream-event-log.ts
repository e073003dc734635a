import {
  AckPolicy,
  DeliverPolicy,
  jetstream,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import { headers as natsHeaders, nanos, type NatsConnection, type MsgHdrs } from '@nats-io/transport-node';
import { decodeEvent, encodeEvent, validateEvent, EVENT_STREAM_NAME, EVENT_SUBJECT_PREFIX, subjectOf, type JarvisEvent } from '@jarvis/contracts';
import { injectContext, type Context, type HeaderCarrier } from '@jarvis/telemetry';
import type { AppendResult, Delivery, EventLog, StoredEvent, Subscription } from './event-log.js';

export type JetStreamEventLogOptions = {
  stream?: string;
  /** How long a delivery may stay unsettled (without inProgress()) before JetStream redelivers it. */
  ackWaitMs?: number;
  maxAckPending?: number;
};

export const EVENT_TYPE_HEADER = 'Jarvis-Event-Type';

/** Nothing invalid is stored: the store is the boundary every consumer trusts. */
export class InvalidEventError extends Error {
  constructor(type: string, readonly problems: string[]) {
    super(`refusing to append an invalid ${type}: ${problems.join('; ')}`);
    this.name = 'InvalidEventError';
  }
}

export class JetStreamEventLog implements EventLog {
  private readonly js: JetStreamClient;
  private readonly stream: string;

  private constructor(
    nc: NatsConnection,
    private readonly jsm: JetStreamManager,
    private readonly options: Required<JetStreamEventLogOptions>,
  ) {
    this.js = jetstream(nc);
    this.stream = options.stream;
  }

  static async open(nc: NatsConnection, options: JetStreamEventLogOptions = {}): Promise<JetStreamEventLog> {
    const jsm = await jetstreamManager(nc);
    const log = new JetStreamEventLog(nc, jsm, {
      stream: options.stream ?? EVENT_STREAM_NAME,
      ackWaitMs: options.ackWaitMs ?? 15_000,
      maxAckPending: options.maxAckPending ?? 1000,
    });
    await log.ensureStream();
    return log;
  }

  private async ensureStream(): Promise<void> {
    const config = {
      name: this.stream,
      subjects: [`${EVENT_SUBJECT_PREFIX}.>`],
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      duplicate_window: nanos(120_000),
      max_msg_size: 64 * 1024,
    };
    try {
      await this.jsm.streams.info(this.stream);
    } catch {
      try {
        await this.jsm.streams.add(config);
      } catch (error) {
        // Another service of this deployment created it between our look-up and our add.
        await this.jsm.streams.info(this.stream).catch(() => {
          throw error;
        });
      }
    }
  }

  async append(event: JarvisEvent, parent?: Context): Promise<AppendResult> {
    const checked = validateEvent(event);
    if (!checked.ok) throw new InvalidEventError(event.type, checked.errors);
    const hdrs = natsHeaders();
    hdrs.set(EVENT_TYPE_HEADER, event.type);
    injectContext(headerCarrier(hdrs), parent);
    const ack = await this.js.publish(subjectOf(event.type), encodeEvent(event), { msgID: event.id, headers: hdrs, timeout: 10_000 });
    return { seq: ack.seq, duplicate: ack.duplicate };
  }

  async lastSequence(): Promise<number> {
    const info = await this.jsm.streams.info(this.stream);
    return info.state.last_seq;
  }

  async *read(fromSeq: number, toSeq: number): AsyncIterable<StoredEvent> {
    if (toSeq < fromSeq) return;
    const consumer = await this.js.consumers.get(this.stream, { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: fromSeq });
    const messages = await consumer.consume({ max_messages: 512 });
    try {
      for await (const msg of messages) {
        const decoded = decodeEvent(msg.data);
        if (decoded.ok) yield { seq: msg.seq, event: decoded.value, headers: msg.headers ? headerCarrier(msg.headers) : undefined };
        if (msg.seq >= toSeq) break;
      }
    } finally {
      await messages.close().catch(() => undefined);
    }
  }

  async subscribe(durable: string, onDelivery: (delivery: Delivery) => void): Promise<Subscription> {
    await this.ensureDurable(durable);
    const consumer = await this.js.consumers.get(this.stream, durable);
    const messages = await consumer.consume({ max_messages: 256 });
    const loop = (async () => {
      for await (const msg of messages) onDelivery(toDelivery(msg));
    })();
    return {
      stop: async () => {
        await messages.close().catch(() => undefined);
        await loop.catch(() => undefined);
      },
    };
  }

  private async ensureDurable(durable: string): Promise<void> {
    const config = {
      durable_name: durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: nanos(this.options.ackWaitMs),
      max_ack_pending: this.options.maxAckPending,
      max_deliver: -1,
    };
    try {
      await this.jsm.consumers.info(this.stream, durable);
      await this.jsm.consumers.update(this.stream, durable, {
        ack_wait: config.ack_wait,
        max_ack_pending: config.max_ack_pending,
      });
    } catch {
      await this.jsm.consumers.add(this.stream, config);
    }
  }

}

function toDelivery(msg: JsMsg): Delivery {
  const decoded = decodeEvent(msg.data);
  let settled = false;
  const settleOnce = (fn: () => void) => {
    if (settled) return;
    settled = true;
    fn();
  };
  return {
    seq: msg.seq,
    redeliveries: Math.max(0, msg.info.deliveryCount - 1),
    decoded: decoded.ok
      ? { ok: true, stored: { seq: msg.seq, event: decoded.value, headers: msg.headers ? headerCarrier(msg.headers) : undefined } }
      : { ok: false, errors: decoded.errors },
    inProgress: () => {
      if (!settled) msg.working();
    },
    settle: (outcome) =>
      settleOnce(() => {
        if (outcome.kind === 'done') msg.ack();
        else if (outcome.kind === 'retry') msg.nak(outcome.afterMs);
        else msg.term();
      }),
  };
}

function headerCarrier(hdrs: MsgHdrs): HeaderCarrier {
  return {
    get: (key) => (hdrs.has(key) ? hdrs.get(key) : undefined),
    set: (key, value) => hdrs.set(key, value),
  };
}
