import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { gzipSync } from 'node:zlib';
import { containerTarget, createEvent, derivedId, type JarvisEvent } from '@jarvis/contracts';
import { AppliedSequences } from './applied-sequences.js';
import { EventProcessorRunner, type EventProcessor, type HandleResult, type HandlerContext, type RunnerOptions } from './event-processor.js';
import { WatchedLog } from './event-processor.test-log.js';
import { MemorySnapshotStore } from './memory-snapshot-store.js';
import { decodeSnapshot, encodeSnapshot, SnapshotUnreadable, type Snapshot } from './snapshot-codec.js';

const ONLY = { service: 'monitor' } as const;
const T0 = Date.parse('2025-03-01T12:00:00.000Z');
const iso = (offsetMs: number) => new Date(T0 + offsetMs).toISOString();

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

/** A started runner, stopped when the test ends: the log's own redeliveries of retried events end with it. */
async function started(t: TestContext, log: WatchedLog, proc: EventProcessor<Applied>, out = logger(), options: RunnerOptions = ONLY): Promise<EventProcessorRunner<Applied>> {
  const runner = new EventProcessorRunner(log, proc, out, options);
  t.after(() => runner.stop());
  await runner.start();
  return runner;
}

describe('EventProcessorRunner: state', { timeout: 10_000 }, () => {
  it('rebuilds the state from every stored event before subscribing', async (t) => {
    const log = new WatchedLog();
    const events = [detection('a', '1'), detection('b', '2'), detection('c', '3')];
    for (const event of events) await log.append(event);
    const runner = new EventProcessorRunner(log, processor(done), logger(), ONLY);
    t.after(() => runner.stop());
    assert.deepEqual(runner.currentState().ids, []);
    await runner.start();
    assert.deepEqual(runner.currentState().ids, events.map((e) => e.id));
    assert.deepEqual(log.reads, [1]);
    assert.equal(log.subscribedAs, 'test-processor');
  });

  it('applies a delivered event once, however often it is delivered', async (t) => {
    const log = new WatchedLog();
    const old = detection('a', 'old');
    await log.append(old);
    const runner = await started(t, log, processor(done));
    // The durable hands out the event the rebuild already read.
    assert.deepEqual(await (await log.deliveryOf(1)).settled, { kind: 'done' });
    const fresh = detection('b', 'fresh');
    await (await log.publish(fresh)).settled;
    await (await log.redeliver(2, 1)).settled;
    assert.deepEqual(runner.currentState().ids, [old.id, fresh.id]);
  });

  it('appends what a handler emits and applies it at once', async (t) => {
    const log = new WatchedLog();
    let seenAfterEmit: string[] = [];
    const runner = await started(
      t,
      log,
      processor(async (event, ctx) => {
        await ctx.emit(openedFor(event));
        seenAfterEmit = ctx.state().ids;
      }),
    );
    const event = detection('a', 'emit');
    const delivery = await log.publish(event);
    assert.deepEqual(await delivery.settled, { kind: 'done' });
    const opened = openedFor(event);
    assert.deepEqual(await log.ids(), [event.id, opened.id]);
    assert.deepEqual(seenAfterEmit, [event.id, opened.id]);
    // The log hands the emitted event back to the same processor: it is not applied twice.
    assert.deepEqual(await (await log.deliveryOf(2)).settled, { kind: 'done' });
    assert.deepEqual(runner.currentState().ids, [event.id, opened.id]);
  });

  it('record() appends and applies a fact observed outside a delivery', async (t) => {
    const log = new WatchedLog();
    const runner = await started(t, log, processor(done));
    const event = detection('a', 'recorded');
    await runner.record(event);
    await runner.record(event);
    assert.deepEqual(await log.ids(), [event.id]);
    assert.deepEqual(runner.currentState().ids, [event.id]);
  });
});

describe('EventProcessorRunner: settling deliveries', { timeout: 10_000 }, () => {
  it('settles an event it does not handle as done, without calling the handler, and still applies it', async (t) => {
    const log = new WatchedLog();
    const proc = processor(done);
    const runner = await started(t, log, proc);
    const opened = openedFor(detection('a', 'not-handled'));
    const delivery = await log.publish(opened);
    assert.deepEqual(delivery.outcomes, [{ kind: 'done' }], 'settled as it was handed over');
    assert.deepEqual(proc.handled, []);
    assert.deepEqual(runner.currentState().ids, [opened.id]);
  });

  it('rejects an undecodable delivery, counting and logging it, and carries on with the next one', async (t) => {
    const log = new WatchedLog();
    const out = logger();
    const proc = processor(done);
    const health = new RecordingHealth();
    const runner = await started(t, log, proc, out, { ...ONLY, health });
    const bad = log.undecodable(7, ['data.target.id: must be a Docker container name', 'data.attempt: must not be less than 1']);
    assert.deepEqual(bad.outcomes, [{ kind: 'reject', reason: 'data.target.id: must be a Docker container name; data.attempt: must not be less than 1' }]);
    assert.ok(out.lines.some((l) => l.level === 'warn' && l.message.includes('seq 7 (1 rejected since start)') && l.message.includes('data.target.id')));
    log.undecodable(8, ['(root): not valid JSON']);
    assert.equal(health.details.get('rejectedMessages'), 2);
    assert.deepEqual(runner.currentState().ids, []);
    const good = detection('a', 'after-bad');
    assert.deepEqual(await (await log.publish(good)).settled, { kind: 'done' });
    assert.deepEqual(proc.handled, [good.id]);
  });

  it('settles a throwing handler with a retry that backs off with the redelivery count', async (t) => {
    const log = new WatchedLog();
    const out = logger();
    const failing = processor(async () => {
      throw new Error('docker is down');
    });
    const runner = await started(t, log, failing, out, { service: 'monitor', maxDeliveries: 100 });
    const event = detection('a', 'throws');
    await log.append(event);
    assert.deepEqual(await (await log.deliveryOf(1)).settled, { kind: 'retry', afterMs: 500 });
    assert.deepEqual(await (await log.redeliver(1, 3)).settled, { kind: 'retry', afterMs: 4000 });
    assert.deepEqual(await (await log.redeliver(1, 7)).settled, { kind: 'retry', afterMs: 60_000 });
    assert.deepEqual(await (await log.redeliver(1, 50)).settled, { kind: 'retry', afterMs: 60_000 });
    const error = out.lines.find((l) => l.level === 'error');
    assert.ok(error, 'the failure is logged');
    assert.match(error.message, new RegExp(`DetectionRecorded ${event.id} failed \\(docker is down\\); retrying in 500 ms`));
    assert.deepEqual(runner.currentState().ids, [event.id], 'the fact is applied even though handling failed');
  });

  it('is handed the retry again by the log after the delay it asked for, with the redelivery counted', async (t) => {
    const log = new WatchedLog();
    const seen: number[] = [];
    await started(
      t,
      log,
      processor(async (_event, ctx) => {
        seen.push(ctx.redeliveries);
        return ctx.redeliveries < 2 ? { retryAfterMs: 1 } : undefined;
      }),
    );
    const first = await log.publish(detection('a', 'retry'));
    assert.deepEqual(await first.settled, { kind: 'retry', afterMs: 1 });
    assert.equal(first.outcomes.length, 1);
    assert.deepEqual(await (await log.deliveryOf(1, 2)).settled, { kind: 'done' });
    assert.deepEqual(seen, [0, 1, 2]);
  });

  it('gives the handler the clock, the redelivery count and a way to report progress', async (t) => {
    const log = new WatchedLog();
    const clock = new Date(T0 + 42_000);
    const seen: Array<{ now: Date; redeliveries: number }> = [];
    await started(
      t,
      log,
      processor(async (_event, ctx) => {
        seen.push({ now: ctx.now(), redeliveries: ctx.redeliveries });
        ctx.inProgress();
        ctx.inProgress();
        assert.ok(ctx.trace, 'a trace context is always given');
      }),
      logger(),
      { service: 'monitor', clock: () => clock },
    );
    await (await log.publish(detection('a', 'ctx'))).settled;
    const redelivered = await log.redeliver(1, 4);
    await redelivered.settled;
    assert.deepEqual(seen, [
      { now: clock, redeliveries: 0 },
      { now: clock, redeliveries: 4 },
    ]);
    assert.equal(redelivered.progress, 2);
  });

  it('reports progress every 5 s while a handler runs, and stops when it is done', async (t) => {
    t.mock.timers.enable({ apis: ['setInterval'] });
    const log = new WatchedLog();
    const gate = deferred();
    await started(t, log, processor(() => gate.promise));
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
    const log = new WatchedLog();
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

  it('goes on with the next event of a key after a handler failed', async (t) => {
    const log = new WatchedLog();
    const first = detection('a', 'fails');
    await started(
      t,
      log,
      processor(async (event) => {
        if (event.id === first.id) throw new Error('boom');
      }),
    );
    const d1 = await log.publish(first);
    const d2 = await log.publish(detection('a', 'after-failure'));
    assert.equal((await d1.settled).kind, 'retry');
    assert.deepEqual(await d2.settled, { kind: 'done' });
  });

  it('stop() stops the subscription, waits for running work and leaves queued work unsettled for redelivery', async () => {
    const log = new WatchedLog();
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
  it('handles what inFlight() finds in the rebuilt state before any delivery, with no-op settling', async (t) => {
    const log = new WatchedLog();
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
    await started(t, log, proc);
    await flush();
    assert.deepEqual(seen[0], { id: interrupted.id, redeliveries: 1, state: [interrupted.id, finished.id] });
  });

  it('resumes an in-flight event the log no longer holds', async (t) => {
    const log = new WatchedLog();
    const lost = detection('a', 'lost');
    const proc = processor(done, { inFlight: () => [lost] });
    await started(t, log, proc);
    await flush();
    assert.deepEqual(proc.handled, [lost.id]);
  });
});

describe('EventProcessorRunner: bounded retries and deadlines', { timeout: 10_000 }, () => {
  it('after maxDeliveries failed deliveries records an escalation derived from processor and event, then drops the message', async (t) => {
    const log = new WatchedLog();
    const out = logger();
    await started(t, log, processor(async () => Promise.reject(new Error('engine hung'))), out, { service: 'policy', maxDeliveries: 3 });
    const event = detection('a', 'exhausted');
    await log.append(event);
    assert.equal((await (await log.deliveryOf(1)).settled).kind, 'retry', 'the first failed delivery is retried');
    assert.equal((await (await log.redeliver(1, 1)).settled).kind, 'retry', 'the second failed delivery is retried');
    assert.deepEqual(await (await log.redeliver(1, 2)).settled, { kind: 'reject', reason: 'engine hung' });
    const stored = [];
    for await (const s of log.readFrom(1)) stored.push(s.event);
    const escalation = stored.find((e) => e.type === 'IncidentEscalated');
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

  it('keeps the message when the escalation cannot be stored', async (t) => {
    const log = new WatchedLog();
    await started(t, log, processor(async () => Promise.reject(new Error('boom'))), logger(), { service: 'policy', maxDeliveries: 1 });
    await log.append(detection('a', 'no-store'));
    log.failAppends = new Error('nats: timeout');
    assert.equal((await (await log.deliveryOf(1)).settled).kind, 'retry');
  });

  it('counts a handler past its deadline as a failed delivery', async (t) => {
    const log = new WatchedLog();
    const out = logger();
    await started(t, log, processor(() => new Promise(() => undefined), { handlerTimeoutMs: 20 }), out);
    assert.deepEqual(await (await log.publish(detection('a', 'hung'))).settled, { kind: 'retry', afterMs: 500 });
    assert.match(out.lines.find((l) => l.level === 'error')!.message, /timed out after 20 ms/);
  });

  it('holds the key of a timed-out handler until it ends, so two runs of it never overlap', async (t) => {
    const log = new WatchedLog();
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
    await started(t, log, proc);
    const first = detection('a', 'slow');
    await log.append(first);
    await log.append(detection('a', 'next'));
    assert.equal((await (await log.deliveryOf(1)).settled).kind, 'retry', 'the first timed out');
    const next = await log.deliveryOf(2);
    await new Promise((resolve) => setTimeout(resolve, 10));
    assert.deepEqual(proc.handled, [first.id], 'the next event waits for the abandoned handler');
    release.resolve();
    assert.deepEqual(await next.settled, { kind: 'done' });
    assert.equal(overlapped, false);
  });

  it('does not count a failure of resumed work toward maxDeliveries', async (t) => {
    const log = new WatchedLog();
    const event = detection('a', 'resumed');
    await log.append(event);
    const out = logger();
    const proc = processor(async () => Promise.reject(new Error('still down')), { inFlight: (state) => (state.ids.length > 0 ? [event] : []) });
    await started(t, log, proc, out, { service: 'policy', maxDeliveries: 2 });
    assert.equal((await (await log.deliveryOf(1)).settled).kind, 'retry', "the log's first delivery counts as the first failure");
    assert.deepEqual(proc.handled, [event.id, event.id], 'the resumed run, then the delivery');
    assert.deepEqual(await log.ids(), [event.id], 'no escalation for resumed work');
    assert.ok(out.lines.some((l) => l.level === 'error' && /resuming DetectionRecorded .* failed \(still down\); its redelivery will try again/.test(l.message)));
  });

  it('leaves a message of a newer schema version unacknowledged, uncounted, loudly, and degrades health', async (t) => {
    const log = new WatchedLog();
    const out = logger();
    const health = new RecordingHealth();
    await started(t, log, processor(done), out, { service: 'executor', maxDeliveries: 1, health });
    const newer = { type: 'RemediationDecided' as const, version: 9, known: 1 };
    for (const redeliveries of [0, 5, 50]) {
      const delivery = log.undecodable(7, ['version: too new'], redeliveries, newer);
      assert.deepEqual(await delivery.settled, { kind: 'retry', afterMs: 30_000 });
    }
    assert.equal(out.lines.filter((l) => l.level === 'error').length, 3, 'an ERROR each time');
    assert.match(out.lines[out.lines.length - 1]!.message, /test-processor: seq 7 is RemediationDecided at schema version 9, this build reads version 1/);
    assert.match(health.problems.get('event schema') ?? '', /seq 7/);
  });

  it('degrades the event store while appends fail and recovers on the next good one', async (t) => {
    const log = new WatchedLog();
    const health = new RecordingHealth();
    const runner = await started(t, log, processor(done), logger(), { service: 'monitor', health });
    log.failAppends = new Error('insufficient resources');
    await assert.rejects(runner.record(detection('a', 'full')));
    assert.match(health.problems.get('event store') ?? '', /appends are failing: insufficient resources/);
    log.failAppends = undefined;
    await runner.record(detection('a', 'space again'));
    assert.equal(health.problems.has('event store'), false);
  });
});

describe('EventProcessorRunner: snapshots', { timeout: 10_000 }, () => {
  it('snapshots every N applied events, and a restart reads only the tail after the snapshot', async (t) => {
    const log = new WatchedLog();
    const snapshots = new MemorySnapshotStore();
    const events = Array.from({ length: 7 }, (_, i) => detection(`c${i}`, `s${i}`));
    for (const event of events.slice(0, 5)) await log.append(event);
    const first = new EventProcessorRunner(log, processor(done), logger(), { service: 'monitor', snapshots, snapshotEveryEvents: 2 });
    await first.start();
    assert.equal(decodeSnapshot<Applied>((await snapshots.load('test-processor'))!).seq, 5, 'a snapshot after the replay');
    await first.stop();
    for (const event of events.slice(5)) await log.append(event);
    const second = await started(t, log, processor(done), logger(), { service: 'monitor', snapshots });
    assert.deepEqual(log.reads, [1, 6], 'the second start read from seq 6 on');
    assert.deepEqual(second.currentState().ids, events.map((e) => e.id));
  });

  it('does not apply its own event twice when the snapshot holds it ahead of the stream', async (t) => {
    const log = new WatchedLog();
    const snapshots = new MemorySnapshotStore();
    const first = new EventProcessorRunner(log, processor(done), logger(), { service: 'monitor', snapshots });
    await first.start();
    const own = detection('a', 'own');
    await first.record(own);
    await first.stop();
    const taken = decodeSnapshot<Applied>((await snapshots.load('test-processor'))!);
    assert.deepEqual([taken.seq, taken.ahead], [0, [1]], 'applied at append time, before the stream handed it back');
    const second = await started(t, log, processor(done), logger(), { service: 'monitor', snapshots });
    await (await log.deliveryOf(1)).settled;
    assert.deepEqual(second.currentState().ids, [own.id]);
  });

  for (const [label, spoil] of [
    ['unreadable bytes', () => new TextEncoder().encode('not gzip')],
    ['another state version', (s: Snapshot<Applied>) => encodeSnapshot({ ...s, stateVersion: 0 })],
    ['a sequence beyond the stream (re-created)', (s: Snapshot<Applied>) => encodeSnapshot({ ...s, seq: 99 })],
    ['another stream', (s: Snapshot<Applied>) => encodeSnapshot({ ...s, stream: 'earlier' })],
  ] as const) {
    it(`replays the whole log when the snapshot has ${label}`, async (t) => {
      const log = new WatchedLog();
      const snapshots = new MemorySnapshotStore();
      const events = [detection('a', 'r1'), detection('b', 'r2')];
      for (const event of events) await log.append(event);
      const first = new EventProcessorRunner(log, processor(done), logger(), { service: 'monitor', snapshots });
      await first.start();
      await first.stop();
      await snapshots.save('test-processor', spoil(decodeSnapshot<Applied>((await snapshots.load('test-processor'))!)));
      const out = logger();
      const second = await started(t, log, processor(done), out, { service: 'monitor', snapshots });
      assert.deepEqual(log.reads, [1, 1]);
      assert.deepEqual(second.currentState().ids, events.map((e) => e.id));
      assert.ok(out.lines.some((l) => l.level === 'warn' && /replaying the whole log/.test(l.message)));
    });
  }

  it('warns and goes on when a snapshot cannot be saved', async () => {
    const log = new WatchedLog();
    const snapshots = new RefusingSnapshotStore(new Error('snapshot of 2000000 bytes exceeds the 1044480 bytes'));
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
  readonly details = new Map<string, string | number | boolean>();
  degrade(component: string, reason: string): void {
    this.problems.set(component, reason);
  }
  recover(component: string): void {
    this.problems.delete(component);
  }
  set(key: string, value: string | number | boolean): void {
    this.details.set(key, value);
  }
}

class RefusingSnapshotStore extends MemorySnapshotStore {
  constructor(private readonly refusal: Error) {
    super();
  }

  override async save(): Promise<void> {
    throw this.refusal;
  }
}
