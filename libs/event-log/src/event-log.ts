import type { JarvisEvent } from '@jarvis/contracts';
import type { Context, HeaderCarrier } from '@jarvis/telemetry';

export type StoredEvent = { seq: number; event: JarvisEvent; headers: HeaderCarrier | undefined };

export type AppendResult = { seq: number; duplicate: boolean };

/** What a subscriber tells the log about one delivery. */
export type DeliveryOutcome = { kind: 'done' } | { kind: 'retry'; afterMs: number } | { kind: 'reject'; reason: string };

export type Delivery = {
  /** Stream sequence; null when the message could not be decoded. */
  seq: number;
  redeliveries: number;
  decoded: { ok: true; stored: StoredEvent } | { ok: false; errors: string[] };
  /** Tells the log the work is still going on, so it is not redelivered mid-way. */
  inProgress(): void;
  settle(outcome: DeliveryOutcome): void;
};

export type Subscription = { stop(): Promise<void> };

/**
 * The event store port: the log is both the bus and the store. Adapters: JetStream (default). Appends are
 * idempotent by event id within the store's de-duplication window.
 */
export interface EventLog {
  append(event: JarvisEvent, parent?: Context): Promise<AppendResult>;
  lastSequence(): Promise<number>;
  /** Every stored event from `fromSeq` up to `toSeq` (inclusive), in order. */
  read(fromSeq: number, toSeq: number): AsyncIterable<StoredEvent>;
  /** A durable subscription: it resumes after the last settled delivery when the process restarts. */
  subscribe(durable: string, onDelivery: (delivery: Delivery) => void): Promise<Subscription>;
}
