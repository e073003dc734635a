import {
  AckPolicy,
  DeliverPolicy,
  jetstream,
  jetstreamManager,
  JetStreamApiError,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  type StreamConfig,
} from '@nats-io/jetstream';
import { headers as natsHeaders, nanos, type NatsConnection, type MsgHdrs } from '@nats-io/transport-node';
import { encodeEvent, validateEvent, EVENT_STREAM_NAME, subjectOf, type JarvisEvent } from '@jarvis/contracts';
import { injectContext, type Context, type HeaderCarrier } from '@jarvis/telemetry';
import { EVENT_TYPE_HEADER, InvalidEventError, NotRightAfter, type AppendOptions, type AppendResult, type Delivery, type EventLog, type LogPosition, type StoredEvent, type Subscription, type Undecodable } from './event-log.js';
import { readStoredFrom, type StoredMessage } from './reader-consumers.js';
import { RecentDecodes } from './recent-decodes.js';
import { decodeStoredMessage } from './stored-message-decoding.js';
import { eventStreamConfig, EventStoreMisconfigured, KEEP_FOREVER, storeConfigProblems, storeHardeningGaps, type StreamRetention } from './store-configuration.js';

export type JetStreamEventLogOptions = {
  stream?: string;
  /** How long a delivery may stay unsettled (without inProgress()) before JetStream redelivers it. */
  ackWaitMs?: number;
  maxAckPending?: number;
  /** `events.retention`: what the stream is created with, and what an existing one must have. */
  retention?: StreamRetention;
};

/** The server's refusal of a publish whose expected last message id is not the stream's last (JSStreamWrongLastMsgIDErrF). */
const WRONG_LAST_MSG_ID = 10070;

/** Enough for the durables of one process, which receive each event within moments of one another. */
const DECODES_KEPT = 1024;

export class JetStreamEventLog implements EventLog {
  private readonly js: JetStreamClient;
  private readonly stream: string;
  private readonly decodes = new RecentDecodes<ReturnType<typeof decodeDelivered>>(DECODES_KEPT);
  /** What the existing stream lacks of the protections Jarvis gives a stream it creates: for the start-up log. */
  hardeningGaps: string[] = [];

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
      retention: options.retention ?? KEEP_FOREVER,
    });
    await log.ensureStream();
    return log;
  }

  private async ensureStream(): Promise<void> {
    const existing = await this.jsm.streams.info(this.stream).catch(() => undefined);
    if (existing) {
      this.hardeningGaps = storeHardeningGaps(this.stream, existing.config);
      return checkStore(this.stream, existing.config, this.options.retention);
    }
    try {
      await this.jsm.streams.add(eventStreamConfig(this.stream, this.options.retention));
    } catch (error) {
      // Another service of this deployment created it between our look-up and our add.
      const created = await this.jsm.streams.info(this.stream).catch(() => {
        throw error;
      });
      checkStore(this.stream, created.config, this.options.retention);
    }
  }

  async append(event: JarvisEvent, parent?: Context, options: AppendOptions = {}): Promise<AppendResult> {
    const checked = validateEvent(event);
    if (!checked.ok) throw new InvalidEventError(event.type, checked.errors);
    const hdrs = natsHeaders();
    hdrs.set(EVENT_TYPE_HEADER, event.type);
    injectContext(headerCarrier(hdrs), parent);
    const expect = options.rightAfter === undefined ? {} : { expect: { lastMsgID: options.rightAfter } };
    try {
      const ack = await this.js.publish(subjectOf(event.type), encodeEvent(event), { msgID: event.id, headers: hdrs, timeout: 10_000, ...expect });
      return { seq: ack.seq, duplicate: ack.duplicate };
    } catch (error) {
      if (options.rightAfter !== undefined && error instanceof JetStreamApiError && error.code === WRONG_LAST_MSG_ID) throw new NotRightAfter(event.type, event.id, options.rightAfter);
      throw error;
    }
  }

  async position(): Promise<LogPosition> {
    const info = await this.jsm.streams.info(this.stream);
    return { lastSeq: info.state.last_seq, createdAt: info.created };
  }

  /**
   * Through `readStoredFrom`: deliveries lost to a dropped connection are read by sequence, since a start-up replay
   * that skipped one would leave it out of the state for good.
   */
  async *readFrom(fromSeq: number): AsyncIterable<StoredEvent> {
    for await (const batch of readStoredFrom(this.jsm, this.js, this.stream, fromSeq)) {
      for (const message of batch) {
        const decoded = decodeDelivered(message);
        if (decoded.ok) yield decoded.stored;
      }
    }
  }

  async subscribe(durable: string, onDelivery: (delivery: Delivery) => void): Promise<Subscription> {
    await this.ensureDurable(durable);
    const consumer = await this.js.consumers.get(this.stream, durable);
    const messages = await consumer.consume({ max_messages: 256 });
    const loop = (async () => {
      for await (const msg of messages) onDelivery(toDelivery(msg, this.decodes.decode(msg.seq, () => decodeDelivered(msg), (d) => d.ok)));
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
      // Unlimited on the server: its own limit would silently drop a message this build cannot read yet (a newer
      // schema version left for the newer build) once it had been offered that often. The runner bounds retries.
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

function decodeDelivered(message: StoredMessage): { ok: true; stored: StoredEvent } | Undecodable {
  const decoded = decodeStoredMessage(message.subject, message.data);
  if (!decoded.ok) return decoded;
  return { ok: true, stored: { seq: message.seq, event: decoded.event, headers: message.headers ? headerCarrier(message.headers) : undefined } };
}

function toDelivery(msg: JsMsg, decoded: ReturnType<typeof decodeDelivered>): Delivery {
  let settled = false;
  const settleOnce = (fn: () => void) => {
    if (settled) return;
    settled = true;
    fn();
  };
  return {
    seq: msg.seq,
    redeliveries: Math.max(0, msg.info.deliveryCount - 1),
    decoded,
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

function checkStore(stream: string, config: StreamConfig, retention: StreamRetention): void {
  const problems = storeConfigProblems(config, retention);
  if (problems.length > 0) throw new EventStoreMisconfigured(stream, problems);
}

function headerCarrier(hdrs: MsgHdrs): HeaderCarrier {
  return {
    get: (key) => (hdrs.has(key) ? hdrs.get(key) : undefined),
    set: (key, value) => hdrs.set(key, value),
  };
}
