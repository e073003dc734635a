import type { JarvisEvent, NewerSchema } from '@jarvis/contracts';
import type { Context } from '@jarvis/telemetry';
import type { AppendResult, Delivery, DeliveryOutcome, StoredEvent, Subscription } from './event-log.js';
import { MemoryEventLog } from './memory-event-log.js';

/**
 * Support for the runner's unit tests (not exported): the shipped memory log, watched. Every delivery it makes is
 * recorded with how the runner settled it; deliveries only time or a foreign writer bring (a high redelivery count,
 * an undecodable message) can be scripted straight to the subscriber.
 */
export class WatchedLog extends MemoryEventLog {
  readonly reads: number[] = [];
  readonly delivered: RecordedDelivery[] = [];
  subscribedAs: string | undefined;
  stopped = false;
  failAppends: Error | undefined;
  private listener: ((delivery: Delivery) => void) | undefined;

  override async append(event: JarvisEvent, parent?: Context): Promise<AppendResult> {
    if (this.failAppends) throw this.failAppends;
    return super.append(event, parent);
  }

  override readFrom(fromSeq: number): AsyncIterable<StoredEvent> {
    this.reads.push(fromSeq);
    return super.readFrom(fromSeq);
  }

  override async subscribe(durable: string, onDelivery: (delivery: Delivery) => void): Promise<Subscription> {
    this.subscribedAs = durable;
    this.listener = onDelivery;
    const subscription = await super.subscribe(durable, (delivery) => this.hand(new RecordedDelivery(delivery.seq, delivery.redeliveries, delivery.decoded, delivery)));
    return {
      stop: async () => {
        this.stopped = true;
        this.listener = undefined;
        await subscription.stop();
      },
    };
  }

  /** The ids of every stored event, in order, without counting as a read. */
  async ids(): Promise<string[]> {
    const ids: string[] = [];
    for await (const stored of super.readFrom(1)) ids.push(stored.event.id);
    return ids;
  }

  /** The log's `nth` delivery (from 0) of `seq`, once it has been handed to the subscriber. */
  async deliveryOf(seq: number, nth = 0): Promise<RecordedDelivery> {
    const deadline = Date.now() + 5_000;
    for (;;) {
      const found = this.delivered.filter((d) => d.seq === seq)[nth];
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`the log made no delivery ${nth} of seq ${seq}`);
      // setImmediate, not a timer: some tests mock the timers.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** Appends as another service would, and returns the log's delivery of it. */
  async publish(event: JarvisEvent): Promise<RecordedDelivery> {
    const { seq } = await this.append(event);
    return this.deliveryOf(seq);
  }

  /** Hands the subscriber a redelivery of a stored event with this count, as the log would after that many failures. */
  async redeliver(seq: number, redeliveries: number): Promise<RecordedDelivery> {
    for await (const stored of super.readFrom(seq)) return this.hand(new RecordedDelivery(seq, redeliveries, { ok: true, stored }));
    throw new Error(`nothing stored at seq ${seq}`);
  }

  /** Hands the subscriber a message that does not decode, as a foreign writer or a newer build could store. */
  undecodable(seq: number, errors: string[], redeliveries = 0, newer?: NewerSchema): RecordedDelivery {
    return this.hand(new RecordedDelivery(seq, redeliveries, newer ? { ok: false, errors, newer } : { ok: false, errors }));
  }

  private hand(delivery: RecordedDelivery): RecordedDelivery {
    if (!this.listener) throw new Error('nobody subscribed');
    this.delivered.push(delivery);
    this.listener(delivery);
    return delivery;
  }
}

/** A delivery that remembers how it was settled, passing it on to the log's own delivery when there is one. */
export class RecordedDelivery implements Delivery {
  readonly outcomes: DeliveryOutcome[] = [];
  progress = 0;
  readonly settled: Promise<DeliveryOutcome>;
  private resolveSettled!: (outcome: DeliveryOutcome) => void;

  constructor(
    readonly seq: number,
    readonly redeliveries: number,
    readonly decoded: Delivery['decoded'],
    private readonly made?: Delivery,
  ) {
    this.settled = new Promise((resolve) => (this.resolveSettled = resolve));
  }

  inProgress(): void {
    this.progress += 1;
    this.made?.inProgress();
  }

  settle(outcome: DeliveryOutcome): void {
    this.outcomes.push(outcome);
    this.resolveSettled(outcome);
    this.made?.settle(outcome);
  }
}
