import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { containerTarget, createEvent, derivedId, type JarvisEvent, type NewerSchema } from '@jarvis/contracts';
import { AppliedSequences } from './applied-sequences.js';
import type { AppendResult, Delivery, DeliveryOutcome, EventLog, LogPosition, StoredEvent, Subscription } from './event-log.js';
import { EventProcessorRunner, type EventProcessor, type HandleResult, type HandlerContext } from './event-processor.js';
import { decodeSnapshot, encodeSnapshot, SnapshotUnreadable, type Snapshot } from './snapshot-codec.js';
import type { SnapshotStore } from './snapshot-store.js';

const ONLY = { service: 'monitor' } as const;
const T0 = Date.parse('2025-03-01T12:00:00.000Z');
const iso = (offsetMs: number) => new Date(T0 + offsetMs).toISOString();

/** A delivery that remembers how it was settled. */
class TestDelivery implements Delivery {
  readonly outcomes: DeliveryOutcome[] = [];
  progress = 0;
  readonly settled: Promise<DeliveryOutcome>;
  private resolveSettled!: (outcome: DeliveryOutcome) => void;

  constructor(
    readonly seq: number,
    readonly redeliveries: number,
    readonly decoded: Delivery['decoded'],
  ) {
    this.settled = new Promise((resolve) => (this.resolveSettled = resolve));
  }

  inProgress(): void {
    this.progress += 1;
  }

  settle(outcome: DeliveryOutcome): void {
    this.outcomes.push(outcome);
    this.resolveSettled(outcome);
  }
}

/** The EventLog port in memory: append de-duplicates by id; deliveries are handed out by the test. */
class MemoryEventLog implements EventLog {
  readonly stored: StoredEvent[] = [];
  readonly reads: number[] = [];
  subscribedAs: string | undefined;
  stopped = false;
  private listener: ((delivery: Delivery) => void) | undefined;

  failAppends: Error | undefined;

  async append(event: JarvisEvent): Promise<AppendResult> {
    if (this.failAppends) throw this.failAppends;
    const existing = this.stored.find((s) => s.event.id === event.id);
    if (existing) return { seq: existing.seq, duplicate: true };
    const seq = this.stored.length + 1;
    this.stored.push({ seq, event, headers: undefined });
    return { seq, duplicate: false };
  }

  async position(): Promise<LogPosition> {
    return { lastSeq: this.stored.length, createdAt: 'memory' };
  }

  async *readFrom(fromSeq: number): AsyncIterable<StoredEvent> {
    this.reads.push(fromSeq);
    for (const stored of [...this.stored]) if (stored.seq >= fromSeq) yield stored;
  }

  async subscribe(durable: string, onDelivery: (delivery: Delivery) => void): Promise<Subscription> {
    this.subscribedAs = durable;
    this.listener = onDelivery;
    return {
      stop: async () => {
        this.stopped = true;
        this.listener = undefined;
      },
    };
  }

  async close(): Promise<void> {}

  /** Delivers the stored event at `seq` to the subscriber. */
  deliver(seq: number, redeliveries = 0): TestDelivery {
    const stored = this.stored.find((s) => s.seq === seq);
    assert.ok(stored, `nothing stored at seq ${seq}`);
    return this.hand(new TestDelivery(seq, redeliveries, { ok: true, stored }));
  }

  /** Appends and delivers, as the log does for an event another service records. */
  async publish(event: JarvisEvent): Promise<TestDelivery> {
    const { seq } = await this.append(event);
    return this.deliver(seq);
  }

  deliverUndecodable(seq: number, errors: string[], redeliveries = 0, newer?: NewerSchema): TestDelivery {
    return this.hand(new TestDelivery(seq, redeliveries, newer ? { ok: false, errors, newer } : { ok: false, errors }));
  }

  private hand(delivery: TestDelivery): TestDelivery {
    assert.ok(this.listener, 'nobody subscribed');
    this.listener(delivery);
    return delivery;
  }
}

function detection(name: string, label: string): JarvisEvent {
  return createEvent({
    id: derivedId('test-detection', label),
    type: 'DetectionRecorded',
    source: 'monitor',
    time: iso(0),
    subject: `container:${name}`,
    correlationId: derivedId('test-incident', label),
    causationId: null,
    data: { target: containerTarget(name), check: 'container_state', status: 'failed', reason: 'exited with code 1', faultAt: iso(0) },
  });
}

function openedFor(event: JarvisEvent): JarvisEvent {
  return createEvent({
    id: derivedId('IncidentOpened', event.id),
    type: 'IncidentOpened',
    source: 'monitor',
    time: event.time,
    subject: event.subject,
    correlationId: event.correlationId,
    causationId: event.id,
    data: { target: containerTarget(event.subject.slice('container:'.length)), check: 'container_state', detectionId: event.id, faultAt: event.time, summary: 'down' },
  });
}

type Applied = { ids: string[] };
type Handler = (event: JarvisEvent, ctx: HandlerContext<Applied>) => Promise<HandleResult>;

/** A processor whose state is the ids it evolved, in order; it handles detections with `handler`. */
function processor(handler: Handler, extra: Partial<EventProcessor<Applied>> = {}): EventProcessor<Applied> & { handled: string[] } {
  const handled: string[] = [];
  return {
    name: 'test-processor',
    handled,
    initialState: () => ({ ids: [] }),
    evolve: (state, event) => ({ ids: [...state.ids, event.id] }),
    handles: (event) => event.type === 'DetectionRecorded',
    concurrencyKey: (event) => event.subject,
    handle: async (event, ctx) => {
      handled.push(event.id);
      return handler(event, ctx);
    },
    ...extra,
  };
}

type Logged = { level: 'log' | 'warn' | 'error'; message: string };
function logger(): { log(m: string): void; warn(m: string): void; error(m: string): void; lines: Logged[] } {
  const lines: Logged[] = [];
  return {
    lines,
    log: (message) => lines.push({ level: 'log', message }),
    warn: (message) => lines.push({ level: 'warn', message }),
    error: (message) => lines.push({ level: 'error', message }),
  };
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** Lets queued promise callbacks run. */
async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}

const done = async (): Promise<HandleResult> => undefined;

describe('EventProcessorRunner: state', { timeout: 10_000 }, () => {
  it('rebuilds the state from every stored event before subscribing', async () => {
    const log = new MemoryEventLog();
    const events = [detection('a', '1'), detection('b', '2'), detection('c', '3')];
    for (const event of events) await log.append(event);
    const runner = new EventProcessorRunner(log, processor(done), logger(), ONLY);
    assert.deepEqual(runner.currentState().ids, []);
    await runner.start();
    assert.deepEqual(runner.currentState().ids, events.map((e) => e.id));
    assert.deepEqual(log.reads, [1]);
    assert.equal(log.subscribedAs, 'test-processor');
  });

  it('applies a delivered event once, however often it is delivered', async () => {
    const log = new MemoryEventLog();
    const old = detection('a', 'old');
    await log.append(old);
    const proc = processor(done);
    const runner = new EventProcessorRunner(log, proc, logger(), ONLY);
    await runner.start();
    // The durable subscription may hand out an event the rebuild already read.
    assert.deepEqual(await log.deliver(1).settled, { kind: 'done' });
    const fresh = detection('b', 'fresh');
    const first = await log.publish(fresh);
    await first.settled;
    await log.deliver(2, 1).settled;
    assert.deepEqual(runner.currentState().ids, [old.id, fresh.id]);
  });

  it('appends what a handler emits and applies it at once', async () => {
    const log = new MemoryEventLog();
    let seenAfterEmit: string[] = [];
    const runner = new EventProcessorRunner(
      log,
      processor(async (event, ctx) => {
        await ctx.emit(openedFor(event));
        seenAfterEmit = ctx.state().ids;
      }),
      logger(),
      ONLY,
    );
    await runner.start();
    const event = detection('a', 'emit');
    const delivery = await log.publish(event);
    assert.deepEqual(await delivery.settled, { kind: 'done' });
    const opened = openedFor(event);
    assert.deepEqual(log.stored.map((s) => s.event.id), [event.id, opened.id]);
    assert.deepEqual(seenAfterEmit, [event.id, opened.id]);
    // The log hands the emitted event back to the same processor: it is not applied twice.
    assert.deepEqual(await log.deliver(2).settled, { kind: 'done' });
    assert.deepEqual(runner.currentState().ids, [event.id, opened.id]);
  });

  it('record() appends and applies a fact observed outside a delivery', async () => {
    const log = new MemoryEventLog();
    const runner = new EventProcessorRunner(log, processor(done), logger(), ONLY);
    await runner.start();
    const event = detection('a', 'recorded');
    await runner.record(event);
    await runner.record(event);
    assert.equal(log.stored.length, 1);
    assert.deepEqual(runner.currentState().ids, [event.id]);
  });
});

describe('EventProcessorRunner: settling deliveries', { timeout: 10_000 }, () => {
  it('settles an event it does not handle as done, without calling the handler, and still applies it', async () => {
    const log = new MemoryEventLog();
    const proc = processor(done);
    const runner = new EventProcessorRunner(log, proc, logger(), ONLY);
    await runner.start();
    const opened = openedFor(detection('a', 'not-handled'));
    const delivery = await log.publish(opened);
    assert.deepEqual(delivery.outcomes, [{ kind: 'done' }], 'settled synchronously');
    assert.deepEqual(proc.handled, []);
    assert.deepEqual(runner.currentState().ids, [opened.id]);
  });

  it('rejects an undecodable delivery and carries on with the next one', async () => {
    const log = new MemoryEventLog();
    const out = logger();
    const proc = processor(done);
    const runner = new EventProcessorRunner(log, proc, out, ONLY);
    await runner.start();
    const bad = log.deliverUndecodable(7, ['data.target.id: must be a Docker container name', 'data.attempt: must not be less than 1']);
    assert.deepEqual(bad.outcomes, [{ kind: 'reject', reason: 'data.target.id: must be a Docker container name; data.attempt: must not be less than 1' }]);
    assert.ok(out.lines.some((l) => l.level === 'warn' && l.message.includes('seq 7') && l.message.includes('data.target.id')));
    assert.deepEqual(runner.currentState().ids, []);
    const good = detection('a', 'after-bad');
    assert.deepEqual(await (await log.publish(good)).settled, { kind: 'done' });
    assert.deepEqual(proc.handled, [good.id]);
  });

  it('settles a throwing handler with a retry that backs off with the redelivery count', async () => {
    const log = new MemoryEventLog();
    const out = logger();
    const runner = new EventProcessorRunner(
      log,
      processor(async () => {
        throw new Error('docker is down');
      }),
      out,
      { service: 'monitor', maxDeliveries: 100 },
    );
    await runner.start();
    const event = detection('a', 'throws');
    await log.append(event);
    assert.deepEqual(await log.deliver(1, 0).settled, { kind: 'retry', afterMs: 500 });
    assert.deepEqual(await log.deliver(1, 3).settled, { kind: 'retry', afterMs: 4000 });
    assert.deepEqual(await log.deliver(1, 7).settled, { kind: 'retry', afterMs: 60_000 });
    assert.deepEqual(await log.deliver(1, 50).settled, { kind: 'retry', afterMs: 60_000 });
    const error = out.lines.find((l) => l.level === 'error');
    assert.ok(error, 'the failure is logged');
    assert.match(error.message, new RegExp(`DetectionRecorded ${event.id} failed \\(docker is down\\); retrying in 500 ms`));
    assert.deepEqual(runner.currentState().ids, [event.id], 'the fact is applied even though handling failed');
  });

  it('settles a handler asking for a retry with its delay', async () => {
    const log = new MemoryEventLog();
    const runner = new EventProcessorRunner(log, processor(async () => ({ retryAfterMs: 2500 })), logger(), ONLY);
    await runner.start();
    const delivery = await log.publish(detection('a', 'retry'));
    assert.deepEqual(await delivery.settled, { kind: 'retry', afterMs: 2500 });
    assert.equal(delivery.outcomes.length, 1);
  });

  it('gives the handler the clock, the redelivery count and a way to report progress', async () => {
    const log = new MemoryEventLog();
    const clock = new Date(T0 + 42_000);
    let seen: { now: Date; redeliveries: number } | undefined;
    const runner = new EventProcessorRunner(
      log,
      processor(async (_event, ctx) => {
        seen = { now: ctx.now(), redeliveries: ctx.redeliveries };
        ctx.inProgress();
        ctx.inProgress();
        assert.ok(ctx.trace, 'a trace context is always given');
      }),
      logger(),
      { service: 'monitor', clock: () => clock },
    );
    await runner.start();
    await log.append(detection('a', 'ctx'));
    const delivery = log.deliver(1, 4);
    await delivery.settled;
    assert.deepEqual(seen, { now: clock, redeliveries: 4 });
    assert.equal(delivery.progress, 2);
  });

  it('reports progress every 5 s while a handler runs, and stops when it is done', async (t) => {
    t.mock.timers.enable({ apis: ['setInterval'] });
    const log = new MemoryEventLog();
    const gate = deferred();
    const runner = new EventProcessorRunner(log, processor(() => gate.promise), logger(), ONLY);
    await runner.start();
    const delivery = await log.publish(detection('a', 'slow'));
    try {
      await flush();
      t.mock.timers.tick(4_999);
      assert.equal(delivery.progress, 0);
      t.mock.timers.tick(1);
      assert.equal(delivery.progress, 1);
      t.mock.timers.tick(10_000);
      assert.equal(delivery.progress, 3);
    } finally {
      gate.resolve();
    }
    await delivery.settled;
    t.mock.timers.tick(20_000);
    assert.equal(delivery.progress, 3);
  });
});

describe('EventProcessorRunner: concurrency', { timeout: 10_000 }, () => {
  it('handles events with the same key one after another, different keys concurrently', async () => {
    const log = new MemoryEventLog();
    const a1 = detection('a', 'a1');
    const a2 = detection('a', 'a2');
    const b1 = detection('b', 'b1');
    const gates = new Map([a1, a2, b1].map((e) => [e.id, deferred()]));
    const running: string[] = [];
    const runner = new EventProcessorRunner(
      log,
      processor(async (event) => {
        running.push(event.id);
        await gates.get(event.id)!.promise;
      }),
      logger(),
      ONLY,
    );
    await runner.start();
    try {
      const d1 = await log.publish(a1);
      const d2 = await log.publish(a2);
      const d3 = await log.publish(b1);
      await flush();
      assert.deepEqual(running, [a1.id, b1.id], 'a2 waits for a1; b1 does not');
      assert.deepEqual(runner.currentState().ids, [a1.id, a2.id, b1.id], 'every delivery is applied at once, handled or not');
      gates.get(b1.id)!.resolve();
      assert.deepEqual(await d3.settled, { kind: 'done' });
      await flush();
      assert.deepEqual(running, [a1.id, b1.id], 'a2 still waits');
      gates.get(a1.id)!.resolve();
      await d1.settled;
      await flush();
      assert.deepEqual(running, [a1.id, b1.id, a2.id]);
      assert.deepEqual(d2.outcomes, []);
      gates.get(a2.id)!.resolve();
      assert.deepEqual(await d2.settled, { kind: 'done' });
    } finally {
      for (const gate of gates.values()) gate.resolve();
      await runner.stop();
    }
  });

  it('goes on with the next event of a key after a handler failed', async () => {
    const log = new MemoryEventLog();
    const first = detection('a', 'fails');
    const runner = new EventProcessorRunner(
      log,
      processor(async (event) => {
        if (event.id === first.id) throw new Error('boom');
      }),
      logger(),
      ONLY,
    );
    await runner.start();
    const d1 = await log.publish(first);
    const d2 = await log.publish(detection('a', 'after-failure'));
    assert.equal((await d1.settled).kind, 'retry');
    assert.deepEqual(await d2.settled, { kind: 'done' });
  });

  it('stop() stops the subscription, waits for running work and leaves queued work unsettled for redelivery', async () => {
    const log = new MemoryEventLog();
    const gate = deferred();
    const proc = processor(() => gate.promise);
    const runner = new EventProcessorRunner(log, proc, logger(), ONLY);
    await runner.start();
    const running = await log.publish(detection('a', 'running'));
    const queued = await log.publish(detection('a', 'queued'));
    await flush();
    let stopped = false;
    const stopping = runner.stop().then(() => (stopped = true));
    try {
      await flush();
      assert.equal(log.stopped, true);
      assert.equal(stopped, false, 'waits for the running handler');
    } finally {
      gate.resolve();
    }
    await stopping;
    assert.deepEqual(running.outcomes, [{ kind: 'done' }]);
    assert.deepEqual(queued.outcomes, []);
    assert.equal(proc.handled.length, 1);
  });
});

describe('EventProcessorRunner: resuming interrupted work', { timeout: 10_000 }, () => {
  it('handles what inFlight() finds in the rebuilt state before any delivery, with no-op settling', async () => {
    const log = new MemoryEventLog();
    const interrupted = detection('a', 'interrupted');
    const finished = detection('b', 'finished');
    await log.append(interrupted);
    await log.append(finished);
    const seen: Array<{ id: string; redeliveries: number; state: string[] }> = [];
    const proc = processor(
      async (event, ctx) => {
        seen.push({ id: event.id, redeliveries: ctx.redeliveries, state: ctx.state().ids });
      },
      { inFlight: (state) => (state.ids.includes(interrupted.id) ? [interrupted] : []) },
    );
    const runner = new EventProcessorRunner(log, proc, logger(), ONLY);
    await runner.start();
    await flush();
    assert.deepEqual(seen, [{ id: interrupted.id, redeliveries: 1, state: [interrupted.id, finished.id] }]);
  });

  it('resumes an in-flight event the log no longer holds', async () => {
    const log = new MemoryEventLog();
    const lost = detection('a', 'lost');
    const proc = processor(done, { inFlight: () => [lost] });
    const runner = new EventProcessorRunner(log, proc, logger(), ONLY);
    await runner.start();
    await flush();
    assert.deepEqual(proc.handled, [lost.id]);
  });
});

describe('EventProcessorRunner: bounded retries and deadlines', { timeout: 10_000 }, () => {
  it('after maxDeliveries failed deliveries records an escalation derived from processor and event, then drops the message', async () => {
    const log = new MemoryEventLog();
    const out = logger();
    const runner = new EventProcessorRunner(log, processor(async () => Promise.reject(new Error('engine hung'))), out, { service: 'policy', maxDeliveries: 3 });
    await runner.start();
    const event = detection('a', 'exhausted');
    await log.append(event);
    assert.equal((await log.deliver(1, 1).settled).kind, 'retry', 'the second failed delivery is retried');
    assert.deepEqual(await log.deliver(1, 2).settled, { kind: 'reject', reason: 'engine hung' });
    const escalation = log.stored.map((s) => s.event).find((e) => e.type === 'IncidentEscalated');
    assert.ok(escalation && escalation.type === 'IncidentEscalated', 'an escalation was stored');
    assert.equal(escalation.id, derivedId('redelivery_exhausted', 'test-processor', event.id));
    assert.equal(escalation.source, 'policy');
    assert.equal(escalation.correlationId, event.correlationId);
    assert.equal(escalation.causationId, event.id);
    assert.deepEqual(escalation.data.target, containerTarget('a'));
    assert.equal(escalation.data.rule, 'redelivery_exhausted');
    assert.equal(escalation.data.attempts, 3);
    for (const part of ['test-processor', 'DetectionRecorded', event.id, 'engine hung']) assert.ok(escalation.data.reason.includes(part), `reason names ${part}`);
  });

  it('keeps the message when the escalation cannot be stored', async () => {
    const log = new MemoryEventLog();
    const runner = new EventProcessorRunner(log, processor(async () => Promise.reject(new Error('boom'))), logger(), { service: 'policy', maxDeliveries: 1 });
    await runner.start();
    await log.append(detection('a', 'no-store'));
    log.failAppends = new Error('nats: timeout');
    assert.equal((await log.deliver(1, 0).settled).kind, 'retry');
  });

  it('counts a handler past its deadline as a failed delivery', async () => {
    const log = new MemoryEventLog();
    const out = logger();
    const runner = new EventProcessorRunner(log, processor(() => new Promise(() => undefined), { handlerTimeoutMs: 20 }), out, ONLY);
    await runner.start();
    await log.append(detection('a', 'hung'));
    assert.deepEqual(await log.deliver(1, 0).settled, { kind: 'retry', afterMs: 500 });
    assert.match(out.lines.find((l) => l.level === 'error')!.message, /timed out after 20 ms/);
  });

  it('holds the key of a timed-out handler until it ends, so two runs of it never overlap', async () => {
    const log = new MemoryEventLog();
    const release = deferred();
    let running = 0;
    let calls = 0;
    let overlapped = false;
    const proc = processor(
      async () => {
        calls += 1;
        if (running > 0) overlapped = true;
        running += 1;
        if (calls === 1) await release.promise;
        running -= 1;
      },
      { handlerTimeoutMs: 20, concurrencyKey: () => 'one' },
    );
    const runner = new EventProcessorRunner(log, proc, logger(), ONLY);
    await runner.start();
    const first = detection('a', 'slow');
    await log.append(first);
    await log.append(detection('a', 'next'));
    assert.equal((await log.deliver(1, 0).settled).kind, 'retry', 'the first timed out');
    const next = log.deliver(2, 0);
    await new Promise((resolve) => setTimeout(resolve, 10));
    assert.deepEqual(proc.handled, [first.id], 'the next event waits for the abandoned handler');
    release.resolve();
    assert.deepEqual(await next.settled, { kind: 'done' });
    assert.equal(overlapped, false);
  });

  it('does not count a failure of resumed work toward maxDeliveries', async () => {
    const log = new MemoryEventLog();
    const event = detection('a', 'resumed');
    await log.append(event);
    const out = logger();
    const proc = processor(async () => Promise.reject(new Error('still down')), { inFlight: (state) => (state.ids.length > 0 ? [event] : []) });
    const runner = new EventProcessorRunner(log, proc, out, { service: 'policy', maxDeliveries: 2 });
    await runner.start();
    await flush();
    assert.deepEqual(proc.handled, [event.id]);
    assert.ok(!log.stored.some((s) => s.event.type === 'IncidentEscalated'), 'no escalation for resumed work');
    assert.ok(out.lines.some((l) => l.level === 'error' && /resuming DetectionRecorded .* failed \(still down\); its redelivery will try again/.test(l.message)));
  });

  it('leaves a message of a newer schema version unacknowledged, uncounted, loudly, and degrades health', async () => {
    const log = new MemoryEventLog();
    const out = logger();
    const health = new RecordingHealth();
    const runner = new EventProcessorRunner(log, processor(done), out, { service: 'executor', maxDeliveries: 1, health });
    await runner.start();
    const newer = { type: 'RemediationDecided' as const, version: 9, known: 1 };
    for (const redeliveries of [0, 5, 50]) {
      const delivery = log.deliverUndecodable(7, ['version: too new'], redeliveries, newer);
      assert.deepEqual(await delivery.settled, { kind: 'retry', afterMs: 30_000 });
    }
    assert.equal(out.lines.filter((l) => l.level === 'error').length, 3, 'an ERROR each time');
    assert.match(out.lines[out.lines.length - 1]!.message, /test-processor: seq 7 is RemediationDecided at schema version 9, this build reads version 1/);
    assert.match(health.problems.get('event schema') ?? '', /seq 7/);
    await runner.stop();
  });

  it('degrades the event store while appends fail and recovers on the next good one', async () => {
    const log = new MemoryEventLog();
    const health = new RecordingHealth();
    const runner = new EventProcessorRunner(log, processor(done), logger(), { service: 'monitor', health });
    await runner.start();
    log.failAppends = new Error('insufficient resources');
    await assert.rejects(runner.record(detection('a', 'full')));
    assert.match(health.problems.get('event store') ?? '', /appends are failing: insufficient resources/);
    log.failAppends = undefined;
    await runner.record(detection('a', 'space again'));
    assert.equal(health.problems.has('event store'), false);
  });
});

describe('EventProcessorRunner: snapshots', { timeout: 10_000 }, () => {
  it('snapshots every N applied events, and a restart reads only the tail after the snapshot', async () => {
    const log = new MemoryEventLog();
    const snapshots = new MemorySnapshotStore();
    const events = Array.from({ length: 7 }, (_, i) => detection(`c${i}`, `s${i}`));
    for (const event of events.slice(0, 5)) await log.append(event);
    const first = new EventProcessorRunner(log, processor(done), logger(), { service: 'monitor', snapshots, snapshotEveryEvents: 2 });
    await first.start();
    assert.equal(decodeSnapshot<Applied>(snapshots.values.get('test-processor')!).seq, 5, 'a snapshot after the replay');
    await first.stop();
    for (const event of events.slice(5)) await log.append(event);
    const second = new EventProcessorRunner(log, processor(done), logger(), { service: 'monitor', snapshots });
    await second.start();
    assert.deepEqual(log.reads, [1, 6], 'the second start read from seq 6 on');
    assert.deepEqual(second.currentState().ids, events.map((e) => e.id));
  });

  it('does not apply its own event twice when the snapshot holds it ahead of the stream', async () => {
    const log = new MemoryEventLog();
    const snapshots = new MemorySnapshotStore();
    const first = new EventProcessorRunner(log, processor(done), logger(), { service: 'monitor', snapshots });
    await first.start();
    const own = detection('a', 'own');
    await first.record(own);
    await first.stop();
    const taken = decodeSnapshot<Applied>(snapshots.values.get('test-processor')!);
    assert.deepEqual([taken.seq, taken.ahead], [0, [1]], 'applied at append time, before the stream handed it back');
    const second = new EventProcessorRunner(log, processor(done), logger(), { service: 'monitor', snapshots });
    await second.start();
    await log.deliver(1).settled;
    assert.deepEqual(second.currentState().ids, [own.id]);
  });

  for (const [label, spoil] of [
    ['unreadable bytes', () => new TextEncoder().encode('not gzip')],
    ['another state version', (s: Snapshot<Applied>) => encodeSnapshot({ ...s, stateVersion: 0 })],
    ['a sequence beyond the stream (re-created)', (s: Snapshot<Applied>) => encodeSnapshot({ ...s, seq: 99 })],
    ['another stream', (s: Snapshot<Applied>) => encodeSnapshot({ ...s, stream: 'earlier' })],
  ] as const) {
    it(`replays the whole log when the snapshot has ${label}`, async () => {
      const log = new MemoryEventLog();
      const snapshots = new MemorySnapshotStore();
      const events = [detection('a', 'r1'), detection('b', 'r2')];
      for (const event of events) await log.append(event);
      const first = new EventProcessorRunner(log, processor(done), logger(), { service: 'monitor', snapshots });
      await first.start();
      await first.stop();
      snapshots.values.set('test-processor', spoil(decodeSnapshot<Applied>(snapshots.values.get('test-processor')!)));
      const out = logger();
      const second = new EventProcessorRunner(log, processor(done), out, { service: 'monitor', snapshots });
      await second.start();
      assert.deepEqual(log.reads, [1, 1]);
      assert.deepEqual(second.currentState().ids, events.map((e) => e.id));
      assert.ok(out.lines.some((l) => l.level === 'warn' && /replaying the whole log/.test(l.message)));
    });
  }

  it('warns and goes on when a snapshot cannot be saved', async () => {
    const log = new MemoryEventLog();
    const snapshots = new MemorySnapshotStore();
    snapshots.refuse = new Error('snapshot of 2000000 bytes exceeds the 1044480 bytes');
    const out = logger();
    const runner = new EventProcessorRunner(log, processor(done), out, { service: 'monitor', snapshots, snapshotEveryEvents: 1 });
    await runner.start();
    await runner.record(detection('a', 'big'));
    await runner.stop();
    assert.ok(out.lines.some((l) => l.level === 'warn' && /snapshot at seq 0 skipped: snapshot of 2000000 bytes/.test(l.message)));
  });
});

describe('AppliedSequences', () => {
  it('admits each stored sequence once, in order, and skips own appends when the stream reaches them', () => {
    const applied = new AppliedSequences();
    assert.equal(applied.admitStored(1), true);
    assert.equal(applied.admitStored(1), false, 'a redelivery');
    assert.equal(applied.admitOwn(3), true);
    assert.equal(applied.admitOwn(3), false, 'a duplicate append');
    assert.equal(applied.admitStored(2), true);
    assert.deepEqual(applied.aheadOfStream(), [3]);
    assert.equal(applied.admitStored(3), false, 'applied when it was appended');
    assert.deepEqual(applied.aheadOfStream(), []);
    assert.equal(applied.admitOwn(2), false, 'delivered before its append returned');
    assert.equal(applied.through, 3);
  });

  it('drops own sequences a snapshot already covers', () => {
    assert.deepEqual(new AppliedSequences(5, [4, 6]).aheadOfStream(), [6]);
  });
});

describe('snapshot codec', () => {
  it('round-trips Maps, Sets, nested plain objects and events', () => {
    // Events come back as plain objects: nothing reads their payload classes' prototypes.
    const event = JSON.parse(JSON.stringify(detection('a', 'codec'))) as JarvisEvent;
    const state = { byId: new Map([['x', { seen: new Set(['1', '2']), last: event }]]), counts: new Map([['k', [1, 2]]]), flag: null };
    const snapshot: Snapshot<typeof state> = { processor: 'p', stateVersion: 2, stream: 's', seq: 9, ahead: [11], state };
    const back = decodeSnapshot<typeof state>(encodeSnapshot(snapshot));
    assert.deepEqual(back, snapshot);
    assert.ok(back.state.byId.get('x')!.seen instanceof Set);
  });

  it('refuses bytes that are not a snapshot, naming the problem', () => {
    assert.throws(() => decodeSnapshot(new TextEncoder().encode('{}')), SnapshotUnreadable);
    assert.throws(() => decodeSnapshot(gzipSync('{"format":1,"processor":"p"}')), /stream: must be a string/);
  });
});

class RecordingHealth {
  readonly problems = new Map<string, string>();
  degrade(component: string, reason: string): void {
    this.problems.set(component, reason);
  }
  recover(component: string): void {
    this.problems.delete(component);
  }
}

class MemorySnapshotStore implements SnapshotStore {
  readonly values = new Map<string, Uint8Array>();
  refuse: Error | undefined;
  async load(processor: string): Promise<Uint8Array | undefined> {
    return this.values.get(processor);
  }
  async save(processor: string, bytes: Uint8Array): Promise<void> {
    if (this.refuse) throw this.refuse;
    this.values.set(processor, bytes);
  }
}
