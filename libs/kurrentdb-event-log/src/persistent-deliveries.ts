import { PARK, RETRY, type PersistentAction, type PersistentSubscriptionToStreamResolvedEvent, type ResolvedEvent } from '@kurrent/kurrentdb-client';
import { assertNever } from '@jarvis/contracts';
import type { Delivery, DeliveryOutcome, Subscription } from '@jarvis/event-log';
import { fromRecorded, seqOfRevision } from './event-mapping.js';

/** What this adapter uses of the client's persistent subscription to a stream. */
export type PersistentConnection = {
  on(event: 'data', listener: (event: PersistentSubscriptionToStreamResolvedEvent) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  ack(...events: ResolvedEvent[]): Promise<void>;
  nack(action: PersistentAction, reason: string, ...events: ResolvedEvent[]): Promise<void>;
  unsubscribe(): Promise<void>;
};

/**
 * One persistent-subscription connection turned into the port's deliveries. The ack wait is kept here, not on the
 * server: KurrentDB has no "still working" message, so a server timeout could not honour inProgress().
 *
 * Stopping hands nothing more to the subscriber but keeps the connection until the deliveries already handed out are
 * settled (work finishing during a stop) or an ack wait has passed; events that arrived meanwhile are left unsettled,
 * and the server offers them again once the connection closes.
 */
export class PersistentDeliveries {
  private stopped = false;
  private closing: Promise<void> | undefined;
  private readonly outstanding = new Set<object>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly subscription: PersistentConnection,
    private readonly ackWaitMs: number,
    private readonly onDelivery: (delivery: Delivery) => void,
  ) {}

  start(): Subscription {
    this.subscription.on('data', (resolved: PersistentSubscriptionToStreamResolvedEvent) => {
      if (!this.stopped) this.onDelivery(this.toDelivery(resolved));
    });
    // A dropped connection ends the subscription; the server offers its unsettled events to the next subscriber.
    this.subscription.on('error', () => void this.close());
    return { stop: () => this.stop() };
  }

  private async stop(): Promise<void> {
    this.stopped = true;
    if (this.outstanding.size === 0) return this.close();
    this.later(this.ackWaitMs, () => void this.close());
  }

  private toDelivery(resolved: PersistentSubscriptionToStreamResolvedEvent): Delivery {
    const token = {};
    this.outstanding.add(token);
    let settled = false;
    let ackWait = this.later(this.ackWaitMs, () => settle({ kind: 'retry', afterMs: 0 }));
    const settle = (outcome: DeliveryOutcome): void => {
      if (settled) return;
      settled = true;
      this.cancel(ackWait);
      void this.settle(resolved, outcome).finally(() => this.release(token));
    };
    return {
      seq: resolved.event ? seqOfRevision(resolved.event.revision) : 0,
      redeliveries: resolved.retryCount,
      decoded: resolved.event ? fromRecorded(resolved.event) : { ok: false, errors: ['event: a link whose event no longer exists'] },
      inProgress: () => {
        if (settled) return;
        this.cancel(ackWait);
        ackWait = this.later(this.ackWaitMs, () => settle({ kind: 'retry', afterMs: 0 }));
      },
      settle,
    };
  }

  /** A settlement the server cannot take (connection gone) is dropped: the server offers the event again anyway. */
  private async settle(resolved: PersistentSubscriptionToStreamResolvedEvent, outcome: DeliveryOutcome): Promise<void> {
    switch (outcome.kind) {
      case 'done':
        return this.subscription.ack(resolved).catch(() => undefined);
      case 'retry':
        await new Promise<void>((resolve) => this.later(outcome.afterMs, resolve));
        return this.subscription.nack(RETRY, 'retry requested by the subscriber', resolved).catch(() => undefined);
      case 'reject':
        // Parked, not skipped: the rejected event stays inspectable and replayable in KurrentDB's parked stream.
        return this.subscription.nack(PARK, outcome.reason, resolved).catch(() => undefined);
      default:
        return assertNever(outcome);
    }
  }

  private release(token: object): void {
    this.outstanding.delete(token);
    if (this.stopped && this.outstanding.size === 0) void this.close();
  }

  private close(): Promise<void> {
    this.closing ??= (async () => {
      for (const timer of this.timers) clearTimeout(timer);
      this.timers.clear();
      await this.subscription.unsubscribe().catch(() => undefined);
    })();
    return this.closing;
  }

  /** Unreferenced: a pending ack wait or retry never keeps the process alive. */
  private later(ms: number, fn: () => void): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    timer.unref();
    this.timers.add(timer);
    return timer;
  }

  private cancel(timer: NodeJS.Timeout): void {
    clearTimeout(timer);
    this.timers.delete(timer);
  }
}
