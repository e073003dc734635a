import type { JarvisEvent } from '@jarvis/contracts';
import { InvalidEventError, NotRightAfter, type AppendOptions, type AppendResult, type Delivery, type EventLog, type LogPosition, type StoredEvent, type Subscription } from '@jarvis/event-log';
import type { Context } from '@jarvis/telemetry';
import type { JarvisMetrics } from './jarvis-metrics.js';
import type { Observation } from './observations.js';

/**
 * The process's event log, counted: every append this process makes goes through it (one wrapper per process, so
 * several services in one process never count an event twice), and everything read from it feeds the case book.
 */
export class MeteredEventLog implements EventLog {
  constructor(
    private readonly inner: EventLog,
    private readonly metrics: JarvisMetrics,
  ) {}

  async append(event: JarvisEvent, parent?: Context, options?: AppendOptions): Promise<AppendResult> {
    const observations = this.observationsOf(event);
    let result: AppendResult;
    try {
      result = await this.inner.append(event, parent, options);
    } catch (error) {
      // Not a failure: the caller appends it again once the event it follows is stored.
      if (error instanceof NotRightAfter) throw error;
      this.metrics.appendFailed(event, error instanceof InvalidEventError ? 'invalid' : 'store');
      throw error;
    }
    // A duplicate is a retry of an append already counted (by this run, or by a run before a crash).
    if (!result.duplicate) this.metrics.count(observations);
    this.metrics.seen(event);
    return result;
  }

  /** An event too malformed to read is refused by the store, which the append then counts as a failure. */
  private observationsOf(event: JarvisEvent): Observation[] {
    try {
      return this.metrics.observationsOf(event);
    } catch {
      return [];
    }
  }

  async *readFrom(fromSeq: number): AsyncIterable<StoredEvent> {
    for await (const stored of this.inner.readFrom(fromSeq)) {
      this.metrics.seen(stored.event);
      yield stored;
    }
  }

  position(): Promise<LogPosition> {
    return this.inner.position();
  }

  subscribe(durable: string, onDelivery: (delivery: Delivery) => void): Promise<Subscription> {
    this.metrics.consuming(durable);
    return this.inner.subscribe(durable, (delivery) => {
      this.observe(durable, delivery);
      onDelivery(delivery);
    });
  }

  private observe(durable: string, delivery: Delivery): void {
    const decoded = delivery.decoded;
    if (decoded.ok) this.metrics.seen(decoded.stored.event);
    else if (!decoded.newer) this.metrics.rejectedMessage(durable);
  }
}
