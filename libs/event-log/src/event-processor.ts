import type { JarvisEvent } from '@jarvis/contracts';
import { extractContext, type Context } from '@jarvis/telemetry';
import type { Delivery, DeliveryOutcome, EventLog, StoredEvent, Subscription } from './event-log.js';

export type ProcessorLogger = { log(message: string): void; warn(message: string): void; error(message: string): void };

export type HandlerContext<S> = {
  /** The state as of now (it includes every event applied so far, this one and later ones). */
  state(): S;
  now(): Date;
  /** Appends an event, then applies it to the state; resolves once it is stored. */
  emit(event: JarvisEvent, parent?: Context): Promise<void>;
  /** The trace context carried by the delivered event's headers. */
  trace: Context;
  redeliveries: number;
  /** Keeps a long handler's delivery from being redelivered. */
  inProgress(): void;
};

export type HandleResult = void | { retryAfterMs: number };

/**
 * An event-sourced processor in the decide/evolve style: `evolve` folds facts into state (pure); `handle` reacts
 * to one delivered event and may emit new facts. Handlers must be idempotent: after a crash an event is delivered
 * again, and the state then already holds whatever the first attempt stored.
 */
export type EventProcessor<S> = {
  /** Durable consumer name: the position survives restarts. */
  readonly name: string;
  initialState(): S;
  evolve(state: S, event: JarvisEvent): S;
  handles(event: JarvisEvent): boolean;
  handle(event: JarvisEvent, ctx: HandlerContext<S>): Promise<HandleResult>;
  /** Events with the same key are handled one after another; different keys run concurrently. */
  concurrencyKey(event: JarvisEvent): string;
  /**
   * Work a previous run started and did not finish, found in the rebuilt state. It is handled again at once rather
   * than after the log's ack wait; the later redelivery then finds it done.
   */
  inFlight?(state: S): JarvisEvent[];
};

/** Well inside the log's ack wait (15 s by default), so a long action is never redelivered while it runs. */
const PROGRESS_INTERVAL_MS = 5_000;
const MAX_ERROR_RETRY_MS = 60_000;
/** Resumed work keeps its trace when it is among this many latest events (older work resumes in a new trace). */
const RECENT_FOR_RESUME = 10_000;

export class EventProcessorRunner<S> {
  private state: S;
  private readonly applied = new Set<string>();
  private readonly queues = new Map<string, Promise<void>>();
  private subscription: Subscription | undefined;
  private stopping = false;

  constructor(
    private readonly log: EventLog,
    private readonly processor: EventProcessor<S>,
    private readonly logger: ProcessorLogger,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.state = processor.initialState();
  }

  /** Rebuilds state from the whole log, then resumes the durable subscription. */
  async start(): Promise<void> {
    const last = await this.log.lastSequence();
    const recent = new Map<string, StoredEvent>();
    for await (const stored of this.log.read(1, last)) {
      this.apply(stored.event);
      recent.set(stored.event.id, stored);
      if (recent.size > RECENT_FOR_RESUME) recent.delete(recent.keys().next().value!);
    }
    for (const event of this.processor.inFlight?.(this.state) ?? []) {
      const stored = recent.get(event.id) ?? { seq: 0, event, headers: undefined };
      this.enqueue(resumption(stored), stored);
    }
    this.subscription = await this.log.subscribe(this.processor.name, (delivery) => this.receive(delivery));
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.subscription?.stop();
    await Promise.allSettled([...this.queues.values()]);
  }

  currentState(): S {
    return this.state;
  }

  /** Appends a fact observed outside a delivery (a Docker event, a timer) and applies it to the state. */
  async record(event: JarvisEvent, parent?: Context): Promise<void> {
    await this.log.append(event, parent);
    this.apply(event);
  }

  private apply(event: JarvisEvent): void {
    if (this.applied.has(event.id)) return;
    this.applied.add(event.id);
    this.state = this.processor.evolve(this.state, event);
  }

  private receive(delivery: Delivery): void {
    if (!delivery.decoded.ok) {
      this.logger.warn(`${this.processor.name}: rejected message seq ${delivery.seq}: ${delivery.decoded.errors.join('; ')}`);
      delivery.settle({ kind: 'reject', reason: delivery.decoded.errors.join('; ') });
      return;
    }
    const stored = delivery.decoded.stored;
    this.apply(stored.event);
    if (!this.processor.handles(stored.event)) {
      delivery.settle({ kind: 'done' });
      return;
    }
    this.enqueue(delivery, stored);
  }

  private enqueue(delivery: Delivery, stored: StoredEvent): void {
    const key = this.processor.concurrencyKey(stored.event);
    const previous = this.queues.get(key) ?? Promise.resolve();
    const next = previous.then(() => this.handleOne(delivery, stored));
    this.queues.set(key, next);
    void next.finally(() => {
      if (this.queues.get(key) === next) this.queues.delete(key);
    });
  }

  private async handleOne(delivery: Delivery, stored: StoredEvent): Promise<void> {
    if (this.stopping) return;
    const timer = setInterval(() => delivery.inProgress(), PROGRESS_INTERVAL_MS);
    try {
      const result = await this.processor.handle(stored.event, this.contextFor(delivery, stored));
      delivery.settle(result ? { kind: 'retry', afterMs: result.retryAfterMs } : { kind: 'done' });
    } catch (error) {
      const afterMs = Math.min(MAX_ERROR_RETRY_MS, 500 * 2 ** Math.min(delivery.redeliveries, 7));
      this.logger.error(
        `${this.processor.name}: ${stored.event.type} ${stored.event.id} failed (${(error as Error).message}); retrying in ${afterMs} ms`,
      );
      delivery.settle({ kind: 'retry', afterMs });
    } finally {
      clearInterval(timer);
    }
  }

  private contextFor(delivery: Delivery, stored: StoredEvent): HandlerContext<S> {
    return {
      state: () => this.state,
      now: this.clock,
      emit: (event, parent) => this.record(event, parent),
      trace: extractContext(stored.headers),
      redeliveries: delivery.redeliveries,
      inProgress: () => delivery.inProgress(),
    };
  }
}

/** A delivery for resumed work: the log redelivers the original later, so settling this one is a no-op. */
function resumption(stored: StoredEvent): Delivery {
  return { seq: stored.seq, redeliveries: 1, decoded: { ok: true, stored }, inProgress: () => undefined, settle: () => undefined };
}

export type { DeliveryOutcome };
