import type { JarvisEvent, NewerSchema } from '@jarvis/contracts';
import type { Context, HeaderCarrier } from '@jarvis/telemetry';

/** Carries the event's type beside the payload, so a reader can route a message without parsing it. */
export const EVENT_TYPE_HEADER = 'Jarvis-Event-Type';

export type StoredEvent = { seq: number; event: JarvisEvent; headers: HeaderCarrier | undefined };

export type AppendResult = { seq: number; duplicate: boolean };

export type AppendOptions = {
  /**
   * Store the event only as the one right after the event with this id; otherwise refuse it (NotRightAfter) and store
   * nothing. A caller can then send an event before the one it follows is acknowledged, and it is still never stored
   * without that one.
   */
  rightAfter?: string;
};

/** What a subscriber tells the log about one delivery. */
export type DeliveryOutcome = { kind: 'done' } | { kind: 'retry'; afterMs: number } | { kind: 'reject'; reason: string };

export type Undecodable = {
  ok: false;
  errors: string[];
  /** Set when the message is valid for a newer build: it must be left for that build, never dropped. */
  newer?: NewerSchema;
};

export type Delivery = {
  /** Stream sequence. */
  seq: number;
  redeliveries: number;
  decoded: { ok: true; stored: StoredEvent } | Undecodable;
  /** Tells the log the work is still going on, so it is not redelivered mid-way. */
  inProgress(): void;
  settle(outcome: DeliveryOutcome): void;
};

export type Subscription = { stop(): Promise<void> };

/**
 * Which stream the log is and how far it goes. `lastSeq` may hold no message (a purge or a deleted last message keeps
 * it): compare with it, never wait for it.
 */
export type LogPosition = { lastSeq: number; createdAt: string };

/**
 * The event store port: the log is both the bus and the store. Adapters: JetStream (default) and memory (tests,
 * single-process tools). Appends are idempotent by event id within the store's de-duplication window. Every adapter
 * passes the same contract suite (`@jarvis/event-log/contract`).
 */
export interface EventLog {
  append(event: JarvisEvent, parent?: Context, options?: AppendOptions): Promise<AppendResult>;
  /** Every valid event stored from `fromSeq` on as of the call, in order; it ends once it has read what exists now. */
  readFrom(fromSeq: number): AsyncIterable<StoredEvent>;
  position(): Promise<LogPosition>;
  /** A durable subscription: it resumes after the last settled delivery when the process restarts. */
  subscribe(durable: string, onDelivery: (delivery: Delivery) => void): Promise<Subscription>;
}

/** Nothing invalid is stored: the store is the boundary every consumer trusts. */
export class InvalidEventError extends Error {
  constructor(
    type: string,
    readonly problems: string[],
  ) {
    super(`refusing to append an invalid ${type}: ${problems.join('; ')}`);
    this.name = 'InvalidEventError';
  }
}

/** Nothing was stored: the last stored event is not the one this event must follow, or the store cannot tell. */
export class NotRightAfter extends Error {
  constructor(type: string, id: string, after: string) {
    super(`${type} ${id} not stored: the last stored event is not ${after}`);
    this.name = 'NotRightAfter';
  }
}
