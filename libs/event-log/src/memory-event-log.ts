import { decodeEvent, encodeEvent, validateEvent, type JarvisEvent } from '@jarvis/contracts';
import { deleteOldestWhile } from '@jarvis/ordered-maps';
import { injectContext, type Context, type HeaderCarrier } from '@jarvis/telemetry';
import { EVENT_TYPE_HEADER, InvalidEventError, NotRightAfter, type AppendOptions, type AppendResult, type Delivery, type DeliveryOutcome, type EventLog, type LogPosition, type StoredEvent, type Subscription } from './event-log.js';
import { DUPLICATE_WINDOW_MS } from './store-configuration.js';

export type MemoryEventLogOptions = {
  /** How long a delivery may stay unsettled (without inProgress()) before it is offered again. Default 15 s. */
  ackWaitMs?: number;
  /** Deliveries of one durable that may wait for their settlement at once; later events wait. Default 1000. */
  maxAckPending?: number;
  /** An event id appended again within this window is a duplicate. Default that of the JetStream stream (2 min). */
  duplicateWindowMs?: number;
  /** Reads the time for the duplicate window and the log's creation time. */
  clock?: () => Date;
};

type StoredMessage = { seq: number; data: Uint8Array; headers: ReadonlyMap<string, string> };

/** A message delivered to a durable and not yet settled: it is out with a subscriber, or due to be offered again. */
type Pending = { deliveries: number; timer: NodeJS.Timeout | undefined; current: object | undefined };

type Durable = {
  /** The first sequence never delivered yet. */
  next: number;
  readonly pending: Map<number, Pending>;
  readonly due: Set<number>;
  listener: ((delivery: Delivery) => void) | undefined;
  pumping: boolean;
};

/**
 * The EventLog port in process memory, with the JetStream adapter's semantics: sequences from 1 in append order,
 * appends de-duplicated by event id within the duplicate window, validation before anything is stored, durable
 * subscriptions that deliver in order, redeliver on `retry` (after its delay) and on an ack wait without progress,
 * drop on `reject`, and resume where they stopped. For tests and single-process tools.
 *
 * Limits: nothing survives the process (the durables' positions neither); one subscriber per durable at a time;
 * it holds only events this build validated, so it never delivers an undecodable message; no message-size limit;
 * readFrom and position read the same memory the appends write, so they never fail.
 */
export class MemoryEventLog implements EventLog {
  private readonly messages: StoredMessage[] = [];
  /** Event id → its sequence and append time, oldest first. */
  private readonly recentIds = new Map<string, { seq: number; at: number }>();
  private readonly durables = new Map<string, Durable>();
  private readonly ackWaitMs: number;
  private readonly maxAckPending: number;
  private readonly duplicateWindowMs: number;
  private readonly clock: () => Date;
  private readonly createdAt: string;
  /** The id of the last stored event, which an append `rightAfter` must name. */
  private lastId: string | undefined;

  constructor(options: MemoryEventLogOptions = {}) {
    this.ackWaitMs = options.ackWaitMs ?? 15_000;
    this.maxAckPending = options.maxAckPending ?? 1000;
    this.duplicateWindowMs = options.duplicateWindowMs ?? DUPLICATE_WINDOW_MS;
    this.clock = options.clock ?? (() => new Date());
    this.createdAt = this.clock().toISOString();
  }

  async append(event: JarvisEvent, parent?: Context, options: AppendOptions = {}): Promise<AppendResult> {
    const checked = validateEvent(event);
    if (!checked.ok) throw new InvalidEventError(event.type, checked.errors);
    const now = this.clock().getTime();
    this.forgetIdsFrom(now - this.duplicateWindowMs);
    const seen = this.recentIds.get(event.id);
    if (seen) return { seq: seen.seq, duplicate: true };
    if (options.rightAfter !== undefined && options.rightAfter !== this.lastId) throw new NotRightAfter(event.type, event.id, options.rightAfter);
    const headers = new Map([[EVENT_TYPE_HEADER, event.type]]);
    injectContext(mapCarrier(headers), parent);
    const seq = this.messages.length + 1;
    this.messages.push({ seq, data: encodeEvent(event), headers });
    this.recentIds.set(event.id, { seq, at: now });
    this.lastId = event.id;
    for (const durable of this.durables.values()) this.schedulePump(durable);
    return { seq, duplicate: false };
  }

  async position(): Promise<LogPosition> {
    return { lastSeq: this.messages.length, createdAt: this.createdAt };
  }

  async *readFrom(fromSeq: number): AsyncIterable<StoredEvent> {
    const end = this.messages.length;
    for (let seq = Math.max(1, fromSeq); seq <= end; seq++) yield storedEvent(this.messages[seq - 1]!);
  }

  async subscribe(durable: string, onDelivery: (delivery: Delivery) => void): Promise<Subscription> {
    const state = this.durableNamed(durable);
    if (state.listener) throw new Error(`durable ${durable} already has a subscriber: the memory event log serves one at a time`);
    state.listener = onDelivery;
    this.schedulePump(state);
    return {
      stop: async () => {
        if (state.listener === onDelivery) state.listener = undefined;
      },
    };
  }

  private durableNamed(name: string): Durable {
    let durable = this.durables.get(name);
    if (!durable) {
      durable = { next: 1, pending: new Map(), due: new Set(), listener: undefined, pumping: false };
      this.durables.set(name, durable);
    }
    return durable;
  }

  /** Forgets the ids appended at or before `cutoff`: their window has passed. */
  private forgetIdsFrom(cutoff: number): void {
    deleteOldestWhile(this.recentIds, (_, { at }) => at <= cutoff);
  }

  /** Deliveries leave on a later turn of the event loop, as from a server: never inside append() or settle(). */
  private schedulePump(durable: Durable): void {
    if (durable.pumping || !durable.listener) return;
    durable.pumping = true;
    setImmediate(() => {
      durable.pumping = false;
      this.pump(durable);
    });
  }

  /** Offers what is due again first, lowest sequence first, then new events in order up to maxAckPending. */
  private pump(durable: Durable): void {
    while (durable.listener) {
      const seq = this.nextToDeliver(durable);
      if (seq === undefined) return;
      durable.listener(this.deliver(durable, seq));
    }
  }

  private nextToDeliver(durable: Durable): number | undefined {
    if (durable.due.size > 0) {
      const seq = Math.min(...durable.due);
      durable.due.delete(seq);
      return seq;
    }
    if (durable.next > this.messages.length || durable.pending.size >= this.maxAckPending) return undefined;
    return durable.next++;
  }

  private deliver(durable: Durable, seq: number): Delivery {
    const pending = durable.pending.get(seq) ?? { deliveries: 0, timer: undefined, current: undefined };
    durable.pending.set(seq, pending);
    pending.deliveries += 1;
    const token = {};
    pending.current = token;
    this.offerAgainAfter(durable, seq, pending, this.ackWaitMs);
    let settled = false;
    return {
      seq,
      redeliveries: pending.deliveries - 1,
      decoded: { ok: true, stored: storedEvent(this.messages[seq - 1]!) },
      inProgress: () => {
        if (!settled && pending.current === token && durable.pending.get(seq) === pending) this.offerAgainAfter(durable, seq, pending, this.ackWaitMs);
      },
      settle: (outcome) => {
        if (settled) return;
        settled = true;
        this.settle(durable, seq, pending, outcome);
      },
    };
  }

  private settle(durable: Durable, seq: number, pending: Pending, outcome: DeliveryOutcome): void {
    if (durable.pending.get(seq) !== pending) return;
    if (outcome.kind === 'retry') {
      pending.current = undefined;
      this.offerAgainAfter(durable, seq, pending, outcome.afterMs);
      return;
    }
    clearTimeout(pending.timer);
    durable.pending.delete(seq);
    durable.due.delete(seq);
    this.schedulePump(durable);
  }

  /** Unreferenced timers: a pending redelivery never keeps the process alive. */
  private offerAgainAfter(durable: Durable, seq: number, pending: Pending, delayMs: number): void {
    clearTimeout(pending.timer);
    pending.timer = setTimeout(() => {
      pending.timer = undefined;
      pending.current = undefined;
      durable.due.add(seq);
      this.schedulePump(durable);
    }, delayMs);
    pending.timer.unref();
  }
}

/** Decoded afresh for every reader, as from a real store: no reader shares objects with the writer or another reader. */
function storedEvent(message: StoredMessage): StoredEvent {
  const decoded = decodeEvent(message.data);
  if (!decoded.ok) throw new Error(`memory event log: seq ${message.seq} no longer decodes: ${decoded.errors.join('; ')}`);
  return { seq: message.seq, event: decoded.value, headers: mapCarrier(new Map(message.headers)) };
}

function mapCarrier(map: Map<string, string>): HeaderCarrier {
  return { get: (key) => map.get(key), set: (key, value) => void map.set(key, value) };
}
