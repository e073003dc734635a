import type { JarvisEvent, NewerSchema, ServiceName } from '@jarvis/contracts';
import { keepNewest } from '@jarvis/ordered-maps';
import { annotateActiveSpan, extractContext, type Context } from '@jarvis/telemetry';
import { AppliedSequences } from './applied-sequences.js';
import { InvalidEventError, NotRightAfter, type AppendResult, type Delivery, type DeliveryOutcome, type EventLog, type StoredEvent, type Subscription } from './event-log.js';
import { ProcessorSnapshots } from './processor-snapshots.js';
import { redeliveryExhausted } from './redelivery-escalation.js';
import type { SnapshotStore } from './snapshot-store.js';

export type ProcessorLogger = { log(message: string): void; warn(message: string): void; error(message: string): void };

/** The part of a service's health the runner reports to (ServiceHealth in a service). */
export type HealthReporter = {
  degrade(component: string, reason: string): void;
  recover(component: string): void;
  set(key: string, value: string | number | boolean): void;
};

export const EVENT_STORE_COMPONENT = 'event store';
export const EVENT_SCHEMA_COMPONENT = 'event schema';

export type HandlerContext<S> = {
  /**
   * The state as of now (it includes every event applied so far, this one and later ones). It is the live object
   * `evolve` changes in place: read what you need from it now rather than keep it across an await.
   */
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
 * An event-sourced processor in the decide/evolve style: `evolve` folds facts into state; `handle` reacts to one
 * delivered event and may emit new facts. Handlers must be idempotent: after a crash an event is delivered again,
 * and the state then already holds whatever the first attempt stored.
 */
export type EventProcessor<S> = {
  /** Durable consumer name: the position survives restarts. */
  readonly name: string;
  initialState(): S;
  /**
   * Folds one event into the state. It owns the state it is given: it may change it in place (the processors do,
   * so a long log is not copied once per event) and returns the state to keep, usually the same object. Its result
   * depends on the state and the event alone (no clock, no I/O), so a replay rebuilds the same state. Nothing else
   * may hold on to the state across an event: `HandlerContext.state()` hands out the live object, and a snapshot
   * encodes a copy synchronously, before the next event is applied.
   */
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
  /** How long one handle() may take before it counts as a failed delivery (retried with backoff). Default 60 s. */
  readonly handlerTimeoutMs?: number;
  /** Bump it when the state's shape changes: a snapshot of another version is ignored and the log replayed. Default 1. */
  readonly stateVersion?: number;
};

export type RunnerOptions = {
  /** The service the runner belongs to: the source of the escalations it records. */
  service: ServiceName;
  clock?: () => Date;
  snapshots?: SnapshotStore;
  /** A snapshot after this many newly applied events (and at a clean stop). */
  snapshotEveryEvents?: number;
  /** Failed deliveries of one event before the runner escalates and drops it. */
  maxDeliveries?: number;
  health?: HealthReporter;
};

/** Well inside the log's ack wait (15 s by default), so a long action is never redelivered while it runs. */
const PROGRESS_INTERVAL_MS = 5_000;
const MAX_ERROR_RETRY_MS = 60_000;
const DEFAULT_HANDLER_TIMEOUT_MS = 60_000;
/** A message for a newer build is offered again this often, and health recovers this long after its last offer. */
const NEWER_SCHEMA_RETRY_MS = 30_000;
const NEWER_SCHEMA_FORGET_MS = NEWER_SCHEMA_RETRY_MS * 2.5;
/** Resumed work keeps its trace when it is among this many latest events (older work resumes in a new trace). */
const RECENT_FOR_RESUME = 10_000;

export class EventProcessorRunner<S> {
  private state: S;
  private applied = new AppliedSequences();
  private readonly queues = new Map<string, Promise<void>>();
  private readonly newerSchema = new Map<number, NodeJS.Timeout>();
  /** Resumed work is not a delivery of the log: its failures count toward nothing, the log's redelivery does. */
  private readonly resumed = new WeakSet<Delivery>();
  private readonly clock: () => Date;
  private readonly snapshots: ProcessorSnapshots<S>;
  private subscription: Subscription | undefined;
  private stopping = false;
  private replaying = false;
  private sinceSnapshot = 0;
  /** Messages that could not be decoded, or were misrouted: never applied, always counted and logged. */
  private rejectedMessages = 0;
  private snapshotWrite: Promise<void> | undefined;
  /** A snapshot past a message this build could not read would hide it from the newer build's replay. */
  private snapshotsHeld = false;

  constructor(
    private readonly log: EventLog,
    private readonly processor: EventProcessor<S>,
    private readonly logger: ProcessorLogger,
    private readonly options: RunnerOptions,
  ) {
    this.state = processor.initialState();
    this.clock = options.clock ?? (() => new Date());
    this.snapshots = new ProcessorSnapshots(processor, options.snapshots, logger);
  }

  /** Rebuilds state from the latest snapshot and the log after it, then resumes the durable subscription. */
  async start(): Promise<void> {
    const from = await this.restore();
    const recent = new Map<string, StoredEvent>();
    let read = 0;
    this.replaying = true;
    for await (const stored of this.log.readFrom(from)) {
      read += 1;
      this.applyStored(stored);
      recent.set(stored.event.id, stored);
      keepNewest(recent, RECENT_FOR_RESUME);
    }
    this.replaying = false;
    this.logger.log(`${this.processor.name}: read ${read} events from seq ${from}; state covers seq ${this.applied.through}`);
    this.snapshotIfDue();
    for (const event of this.processor.inFlight?.(this.state) ?? []) {
      const stored = recent.get(event.id) ?? { seq: 0, event, headers: undefined };
      const delivery = resumption(stored);
      this.resumed.add(delivery);
      this.enqueue(delivery, stored);
    }
    this.subscription = await this.log.subscribe(this.processor.name, (delivery) => this.receive(delivery));
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.subscription?.stop();
    await Promise.allSettled([...this.queues.values()]);
    for (const timer of this.newerSchema.values()) clearTimeout(timer);
    await this.snapshotWrite;
    if (this.sinceSnapshot > 0) await this.saveSnapshot();
  }

  currentState(): S {
    return this.state;
  }

  /** Appends a fact observed outside a delivery (a Docker event, a timer) and applies it to the state. */
  record(event: JarvisEvent, parent?: Context): Promise<void> {
    return this.applyAppended(event, this.log.append(event, parent));
  }

  /**
   * Appends facts observed together (a detection and the incident it opens) in this order, and applies them. Each is
   * sent without waiting for the acknowledgement of the one before, but the store keeps it only right after that
   * one; when another event came between, it is sent again once the one before is acknowledged. So none is ever
   * stored without those before it, and a pair costs the store one round trip instead of two.
   */
  async recordInOrder(events: readonly JarvisEvent[], parent?: Context): Promise<void> {
    const appends: Promise<AppendResult>[] = [];
    for (const [i, event] of events.entries()) {
      appends.push(i === 0 ? this.log.append(event, parent) : this.appendRightAfter(event, events[i - 1]!.id, appends[i - 1]!, parent));
    }
    // A failure stops at the first event that failed: the later ones' outcomes are left to their delivery.
    for (const append of appends) append.catch(() => undefined);
    for (const [i, event] of events.entries()) await this.applyAppended(event, appends[i]!);
  }

  private async appendRightAfter(event: JarvisEvent, previousId: string, previous: Promise<AppendResult>, parent?: Context): Promise<AppendResult> {
    try {
      return await this.log.append(event, parent, { rightAfter: previousId });
    } catch (error) {
      if (!(error instanceof NotRightAfter)) throw error;
      await previous;
      return this.log.append(event, parent);
    }
  }

  private async applyAppended(event: JarvisEvent, append: Promise<AppendResult>): Promise<void> {
    let seq: number;
    try {
      seq = (await append).seq;
    } catch (error) {
      if (!(error instanceof InvalidEventError)) this.options.health?.degrade(EVENT_STORE_COMPONENT, `appends are failing: ${(error as Error).message}`);
      throw error;
    }
    this.options.health?.recover(EVENT_STORE_COMPONENT);
    annotateActiveSpan(event);
    if (this.applied.admitOwn(seq)) this.applyEvent(event);
  }

  private async restore(): Promise<number> {
    const snapshot = await this.snapshots.load(await this.log.position());
    if (!snapshot) return 1;
    this.state = snapshot.state;
    this.applied = new AppliedSequences(snapshot.seq, snapshot.ahead);
    return snapshot.seq + 1;
  }

  private applyStored(stored: StoredEvent): void {
    if (this.applied.admitStored(stored.seq)) this.applyEvent(stored.event);
  }

  private applyEvent(event: JarvisEvent): void {
    this.state = this.processor.evolve(this.state, event);
    this.sinceSnapshot += 1;
    if (!this.replaying) this.snapshotIfDue();
  }

  private snapshotIfDue(): void {
    const every = this.options.snapshotEveryEvents ?? 1000;
    if (!this.snapshots.enabled || this.snapshotWrite || this.sinceSnapshot < every) return;
    this.snapshotWrite = this.saveSnapshot().finally(() => (this.snapshotWrite = undefined));
  }

  private saveSnapshot(): Promise<void> {
    if (this.snapshotsHeld) return Promise.resolve();
    this.sinceSnapshot = 0;
    return this.snapshots.save(this.state, this.applied);
  }

  private receive(delivery: Delivery): void {
    const decoded = delivery.decoded;
    if (!decoded.ok) {
      if (decoded.newer) return this.leaveForNewerBuild(delivery, decoded.newer);
      this.rejectedMessages += 1;
      this.options.health?.set('rejectedMessages', this.rejectedMessages);
      this.logger.warn(`${this.processor.name}: rejected message seq ${delivery.seq} (${this.rejectedMessages} rejected since start): ${decoded.errors.join('; ')}`);
      delivery.settle({ kind: 'reject', reason: decoded.errors.join('; ') });
      return;
    }
    this.applyStored(decoded.stored);
    if (!this.processor.handles(decoded.stored.event)) {
      delivery.settle({ kind: 'done' });
      return;
    }
    this.enqueue(delivery, decoded.stored);
  }

  /** Never dropped and never counted as a failure: during a rolling upgrade the newer build will read it. */
  private leaveForNewerBuild(delivery: Delivery, newer: NewerSchema): void {
    const reason =
      `seq ${delivery.seq} is ${newer.type} at schema version ${newer.version}, this build reads version ${newer.known}: ` +
      `left unacknowledged for a newer build of Jarvis, offered again in ${NEWER_SCHEMA_RETRY_MS / 1000} s`;
    this.logger.error(`${this.processor.name}: ${reason}`);
    this.snapshotsHeld = true;
    this.options.health?.degrade(EVENT_SCHEMA_COMPONENT, `${this.processor.name}: ${reason}`);
    delivery.settle({ kind: 'retry', afterMs: NEWER_SCHEMA_RETRY_MS });
    clearTimeout(this.newerSchema.get(delivery.seq));
    const forget = setTimeout(() => {
      this.newerSchema.delete(delivery.seq);
      if (this.newerSchema.size === 0) this.options.health?.recover(EVENT_SCHEMA_COMPONENT);
    }, NEWER_SCHEMA_FORGET_MS);
    forget.unref();
    this.newerSchema.set(delivery.seq, forget);
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
    const timeoutMs = this.processor.handlerTimeoutMs ?? DEFAULT_HANDLER_TIMEOUT_MS;
    let work: Promise<HandleResult> | undefined;
    try {
      work = this.processor.handle(stored.event, this.contextFor(delivery, stored));
      const result = await withDeadline(work, timeoutMs);
      delivery.settle(result ? { kind: 'retry', afterMs: result.retryAfterMs } : { kind: 'done' });
    } catch (error) {
      await this.failed(delivery, stored, (error as Error).message);
      if (work && error instanceof HandlerTimedOut) await this.letAbandonedWorkEnd(work, timeoutMs, stored);
    } finally {
      clearInterval(timer);
    }
  }

  /**
   * The next event of the same key (often this one, redelivered) waits a while longer for the abandoned handler, so
   * two runs of one handler do not overlap; a handler hung for good stops holding its key after that.
   */
  private async letAbandonedWorkEnd(work: Promise<HandleResult>, timeoutMs: number, stored: StoredEvent): Promise<void> {
    let grace: NodeJS.Timeout | undefined;
    const ended = await Promise.race([
      work.then(
        () => true,
        () => true,
      ),
      new Promise<false>((resolve) => (grace = setTimeout(() => resolve(false), timeoutMs))),
    ]);
    clearTimeout(grace);
    if (!ended) this.logger.warn(`${this.processor.name}: ${stored.event.type} ${stored.event.id} is still running after twice its ${timeoutMs} ms deadline; the next events of its key go on without it`);
  }

  private async failed(delivery: Delivery, stored: StoredEvent, message: string): Promise<void> {
    if (this.resumed.has(delivery)) {
      this.logger.error(`${this.processor.name}: resuming ${stored.event.type} ${stored.event.id} failed (${message}); its redelivery will try again`);
      return;
    }
    const attempts = delivery.redeliveries + 1;
    if (attempts >= (this.options.maxDeliveries ?? 10)) return this.giveUp(delivery, stored, attempts, message);
    const afterMs = backoffMs(delivery.redeliveries);
    this.logger.error(`${this.processor.name}: ${stored.event.type} ${stored.event.id} failed (${message}); retrying in ${afterMs} ms`);
    delivery.settle({ kind: 'retry', afterMs });
  }

  /** The escalation is stored before the message is dropped: if it cannot be stored, the message stays. */
  private async giveUp(delivery: Delivery, stored: StoredEvent, attempts: number, message: string): Promise<void> {
    const escalation = redeliveryExhausted(this.processor.name, this.options.service, stored.event, attempts, message, this.clock());
    try {
      await this.record(escalation);
    } catch (error) {
      const afterMs = backoffMs(delivery.redeliveries);
      this.logger.error(`${this.processor.name}: could not record giving up on ${stored.event.type} ${stored.event.id} (${(error as Error).message}); retrying in ${afterMs} ms`);
      delivery.settle({ kind: 'retry', afterMs });
      return;
    }
    this.logger.error(`${this.processor.name}: gave up on ${stored.event.type} ${stored.event.id} after ${attempts} failed deliveries (${message}); escalated`);
    delivery.settle({ kind: 'reject', reason: message });
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

function backoffMs(redeliveries: number): number {
  return Math.min(MAX_ERROR_RETRY_MS, 500 * 2 ** Math.min(redeliveries, 7));
}

export class HandlerTimedOut extends Error {
  override name = 'HandlerTimedOut';
}

/** The handler may still finish later; its result is then ignored (handlers are idempotent, the retry redoes it). */
function withDeadline<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  work.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new HandlerTimedOut(`handler timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

/** A delivery for resumed work: the log redelivers the original later, so settling this one is a no-op. */
function resumption(stored: StoredEvent): Delivery {
  return { seq: stored.seq, redeliveries: 1, decoded: { ok: true, stored }, inProgress: () => undefined, settle: () => undefined };
}

export type { DeliveryOutcome };
