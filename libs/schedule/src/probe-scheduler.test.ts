import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from './manual-clock.js';
import type { Probe, ProbeRun } from './probe.js';
import { ProbeScheduler, type ProbeSchedulerOptions } from './probe-scheduler.js';

const T0 = 1_000_000;

interface Harness {
  clock: ManualClock;
  results: ProbeRun<string>[];
  scheduler: ProbeScheduler<string>;
}

function harness(options: Partial<ProbeSchedulerOptions<string>> = {}): Harness {
  const clock = new ManualClock(T0);
  const results: ProbeRun<string>[] = [];
  const scheduler = new ProbeScheduler<string>({
    concurrency: 4,
    jitterFraction: 0,
    random: () => 0,
    timers: clock,
    onResult: (run) => results.push(run),
    ...options,
  });
  return { clock, results, scheduler };
}

/** Clock time spent by the probe, as a real probe spends wall time; it stops when aborted. */
function sleep(clock: ManualClock, ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const handle = clock.setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clock.clearTimeout(handle);
      reject(signal.reason as Error);
    }, { once: true });
  });
}

interface ProbeLog {
  starts: { key: string; at: number }[];
  signals: AbortSignal[];
  inFlight: Map<string, number>;
  maxInFlight: number;
  maxSameKey: number;
}

function newLog(): ProbeLog {
  return { starts: [], signals: [], inFlight: new Map(), maxInFlight: 0, maxSameKey: 0 };
}

function sleepingProbe(clock: ManualClock, log: ProbeLog, key: string, takesMs: number, intervalMs = 1000, timeoutMs = 10_000): Probe<string> {
  return {
    key,
    intervalMs,
    timeoutMs,
    async run(signal) {
      log.starts.push({ key, at: clock.now() });
      log.signals.push(signal);
      const mine = (log.inFlight.get(key) ?? 0) + 1;
      log.inFlight.set(key, mine);
      log.maxSameKey = Math.max(log.maxSameKey, mine);
      log.maxInFlight = Math.max(log.maxInFlight, [...log.inFlight.values()].reduce((a, b) => a + b, 0));
      try {
        await sleep(clock, takesMs, signal);
        return `${key} ok`;
      } finally {
        log.inFlight.set(key, (log.inFlight.get(key) ?? 1) - 1);
      }
    },
  };
}

/** A probe that never settles and ignores its signal, like a hung syscall. */
function hungProbe(log: ProbeLog, key: string, intervalMs: number, timeoutMs: number): Probe<string> {
  return {
    key,
    intervalMs,
    timeoutMs,
    run(signal) {
      log.starts.push({ key, at: -1 });
      log.signals.push(signal);
      return new Promise<string>(() => undefined);
    },
  };
}

function summary(results: ProbeRun<string>[]): string[] {
  return results.map((r) => `${r.key} s+${r.scheduledAt - T0} @+${r.startedAt - T0} ${r.outcome.ok ? r.outcome.value : r.outcome.reason}`);
}

describe('ProbeScheduler intervals and jitter', () => {
  it('given one probe, when time passes, then it runs at start and once per interval, with its value', async () => {
    const { clock, results, scheduler } = harness();
    scheduler.add(sleepingProbe(clock, newLog(), 'disk:/data', 10));
    scheduler.start();
    await clock.advance(3500);
    assert.deepEqual(summary(results), [
      'disk:/data s+0 @+0 disk:/data ok',
      'disk:/data s+1000 @+1000 disk:/data ok',
      'disk:/data s+2000 @+2000 disk:/data ok',
      'disk:/data s+3000 @+3000 disk:/data ok',
    ]);
    assert.deepEqual(results.map((r) => r.finishedAt - r.startedAt), [10, 10, 10, 10]);
    await scheduler.stop();
  });

  it('given a jitter fraction, then each run starts within that fraction of the interval after its slot, without drift', async () => {
    const randoms = [0, 0.5, 0.999999, 1, -3, Number.NaN, 0.25];
    const { clock, results, scheduler } = harness({ jitterFraction: 0.2, random: () => randoms.shift() ?? 0 });
    scheduler.add(sleepingProbe(clock, newLog(), 'http:a', 5));
    scheduler.start();
    await clock.advance(6999);
    // offsets: floor(r * 0.2 * 1000), with out-of-range randoms clamped to [0, 1] and NaN taken as 0
    assert.deepEqual(results.map((r) => r.scheduledAt - T0), [0, 1100, 2199, 3200, 4000, 5000, 6050]);
    for (const [index, run] of results.entries()) {
      const slot = T0 + index * 1000;
      assert.ok(run.scheduledAt >= slot && run.scheduledAt <= slot + 200, `run ${index} at ${run.scheduledAt - T0}`);
      assert.equal(run.startedAt, run.scheduledAt);
    }
    await scheduler.stop();
  });

  it('given probes with different intervals, then each keeps its own', async () => {
    const { clock, results, scheduler } = harness();
    const log = newLog();
    scheduler.add(sleepingProbe(clock, log, 'fast', 1, 300));
    scheduler.add(sleepingProbe(clock, log, 'slow', 1, 1000));
    scheduler.start();
    await clock.advance(1000);
    assert.deepEqual(log.starts.filter((s) => s.key === 'fast').map((s) => s.at - T0), [0, 300, 600, 900]);
    assert.deepEqual(log.starts.filter((s) => s.key === 'slow').map((s) => s.at - T0), [0, 1000]);
    assert.equal(results.length, 5, 'the slow probe started at +1000 is still running');
    await scheduler.stop();
  });
});

describe('ProbeScheduler concurrency', () => {
  it('given more due probes than the cap, then at most the cap run, the rest queue first in first out and none is skipped', async () => {
    const { clock, results, scheduler } = harness({ concurrency: 2 });
    const log = newLog();
    for (const key of ['a', 'b', 'c', 'd', 'e']) scheduler.add(sleepingProbe(clock, log, key, 100, 10_000));
    scheduler.start();
    await clock.advance(1);
    assert.deepEqual(scheduler.stats().running, 2);
    assert.deepEqual(scheduler.stats().queued, 3);
    await clock.advance(500);
    assert.equal(log.maxInFlight, 2);
    assert.deepEqual(log.starts.map((s) => `${s.key}@${s.at - T0}`), ['a@0', 'b@0', 'c@100', 'd@100', 'e@200']);
    assert.deepEqual(results.map((r) => r.key), ['a', 'b', 'c', 'd', 'e']);
    assert.ok(results.every((r) => r.scheduledAt === T0 && r.outcome.ok));
    const stats = scheduler.stats();
    assert.equal(stats.started, 5);
    assert.equal(stats.completed, 5);
    assert.equal(stats.skippedSlots, 0);
    assert.equal(stats.lag.maxMs, 200, 'the queueing shows as lag');
    assert.equal(stats.lag.meanMs, (0 + 0 + 100 + 100 + 200) / 5);
    await scheduler.stop();
  });

  it('given queued runs, when their slot comes again, then they keep their interval from the slot, not from the delay', async () => {
    const { clock, results, scheduler } = harness({ concurrency: 1 });
    const log = newLog();
    scheduler.add(sleepingProbe(clock, log, 'a', 400, 1000));
    scheduler.add(sleepingProbe(clock, log, 'b', 400, 1000));
    scheduler.start();
    await clock.advance(2000);
    assert.deepEqual(log.starts.map((s) => `${s.key}@${s.at - T0}`), ['a@0', 'b@400', 'a@1000', 'b@1400', 'a@2000']);
    assert.deepEqual(results.map((r) => r.scheduledAt - T0), [0, 0, 1000, 1000]);
    await scheduler.stop();
  });
});

describe('ProbeScheduler failures', () => {
  it('given a probe that outlives its timeout, then its signal is aborted and the run is a probe error at the deadline', async () => {
    const { clock, results, scheduler } = harness();
    const log = newLog();
    scheduler.add(sleepingProbe(clock, log, 'http:slow', 5000, 1000, 300));
    scheduler.start();
    await clock.advance(300);
    assert.equal(results.length, 1);
    assert.deepEqual(results[0]?.outcome, { ok: false, reason: 'probe error: timed out after 300 ms' });
    assert.equal(results[0]?.finishedAt, T0 + 300);
    assert.equal(log.signals[0]?.aborted, true);
    await clock.advance(1000);
    assert.deepEqual(log.starts.map((s) => s.at - T0), [0, 1000], 'the next slot runs as usual');
    assert.equal(scheduler.stats().timeouts, 2);
    assert.equal(scheduler.stats().probeErrors, 2);
    await scheduler.stop();
  });

  it('given probes that throw, reject or throw a non-error, then each run is a one-line probe error and the scheduler carries on', async () => {
    const { clock, results, scheduler } = harness();
    const failing = (key: string, run: () => Promise<string>): Probe<string> => ({ key, intervalMs: 1000, timeoutMs: 100, run });
    scheduler.add(failing('rejects', () => Promise.reject(new Error('ECONNREFUSED 127.0.0.1:9\n    at connect'))));
    scheduler.add(failing('throws', () => {
      throw new Error('statfs failed');
    }));
    scheduler.add(failing('string', () => Promise.reject('plain text')));
    scheduler.add(failing('empty', () => Promise.reject(new Error(''))));
    scheduler.add(failing('long', () => Promise.reject(new Error('x'.repeat(1000)))));
    scheduler.start();
    await clock.advance(1500);
    const reasons = new Map(results.map((r) => [r.key, r.outcome.ok ? '' : r.outcome.reason]));
    assert.equal(reasons.get('rejects'), 'probe error: ECONNREFUSED 127.0.0.1:9 at connect');
    assert.equal(reasons.get('throws'), 'probe error: statfs failed');
    assert.equal(reasons.get('string'), 'probe error: plain text');
    assert.equal(reasons.get('empty'), 'probe error: Error');
    assert.equal(reasons.get('long'), `probe error: ${'x'.repeat(300)}…`);
    assert.equal(results.length, 10, 'every probe ran again at its next slot');
    assert.equal(scheduler.stats().probeErrors, 10);
    await scheduler.stop();
  });

  it('given a result handler that throws or rejects, then it is counted and runs go on', async () => {
    let calls = 0;
    const { clock, scheduler } = harness({
      onResult: () => {
        calls++;
        if (calls % 2 === 1) throw new Error('handler broke');
        return Promise.reject(new Error('async handler broke')) as unknown as void;
      },
    });
    scheduler.add(sleepingProbe(clock, newLog(), 'a', 1));
    scheduler.start();
    await clock.advance(3500);
    assert.equal(calls, 4);
    assert.equal(scheduler.stats().resultHandlerErrors, 4);
    await scheduler.stop();
  });
});

describe('ProbeScheduler never overlaps a probe with itself', () => {
  it('given a run longer than its interval, then the next starts at the first slot after it ends and the passed slots are counted', async () => {
    const { clock, results, scheduler } = harness();
    const log = newLog();
    scheduler.add(sleepingProbe(clock, log, 'slow', 2500, 1000, 10_000));
    scheduler.start();
    await clock.advance(6000);
    assert.equal(log.maxSameKey, 1);
    assert.deepEqual(log.starts.map((s) => s.at - T0), [0, 3000, 6000]);
    assert.deepEqual(results.map((r) => r.scheduledAt - T0), [0, 3000]);
    assert.equal(scheduler.stats().skippedSlots, 4, 'slots 1000, 2000, 4000 and 5000');
    await scheduler.stop();
  });

  it('given a hung probe that ignores its abort, then later slots report it still running instead of starting it again, and its concurrency slot is freed', async () => {
    const { clock, results, scheduler } = harness({ concurrency: 1, stopGraceMs: 50 });
    const log = newLog();
    scheduler.add(hungProbe(log, 'hung', 1000, 300));
    scheduler.add(sleepingProbe(clock, log, 'other', 10, 1000, 500));
    scheduler.start();
    await clock.advance(2000);
    assert.equal(log.starts.filter((s) => s.key === 'hung').length, 1, 'run() was called once');
    assert.deepEqual(summary(results.filter((r) => r.key === 'hung')), [
      'hung s+0 @+0 probe error: timed out after 300 ms',
      'hung s+1000 @+1000 probe error: still running 1000 ms after it started (timeout 300 ms)',
      'hung s+2000 @+2000 probe error: still running 2000 ms after it started (timeout 300 ms)',
    ]);
    assert.deepEqual(log.starts.filter((s) => s.key === 'other').map((s) => s.at - T0), [300, 1000, 2000]);
    const stopping = scheduler.stop();
    await clock.advance(50);
    assert.deepEqual(await stopping, { unsettled: ['hung'] });
    assert.equal(clock.pendingTimers(), 0);
  });
});

describe('ProbeScheduler start, stop, add and remove', () => {
  it('given runs in flight, when stopped, then they are aborted, report nothing, and no timer is left', async () => {
    const { clock, results, scheduler } = harness();
    const log = newLog();
    scheduler.add(sleepingProbe(clock, log, 'a', 500));
    scheduler.add(sleepingProbe(clock, log, 'b', 500));
    scheduler.start();
    await clock.advance(100);
    assert.equal(scheduler.stats().running, 2);
    assert.deepEqual(await scheduler.stop(), { unsettled: [] });
    assert.ok(log.signals.every((s) => s.aborted));
    assert.equal(clock.pendingTimers(), 0);
    assert.equal(scheduler.stats().running, 0);
    await clock.advance(5000);
    assert.deepEqual(results, []);
    assert.equal(log.starts.length, 2);
  });

  it('given a probe that ignores its abort, when stopped, then stop resolves after the grace period naming it, and no timer is left', async () => {
    const { clock, scheduler } = harness({ stopGraceMs: 200 });
    const log = newLog();
    scheduler.add(hungProbe(log, 'hung', 1000, 10_000));
    scheduler.start();
    await clock.advance(10);
    let stopped = false;
    const stopping = scheduler.stop().then((report) => {
      stopped = true;
      return report;
    });
    await clock.advance(199);
    assert.equal(stopped, false);
    await clock.advance(1);
    assert.deepEqual(await stopping, { unsettled: ['hung'] });
    assert.equal(clock.pendingTimers(), 0);
  });

  it('given a stopped scheduler, when started again, then its probes run again from then', async () => {
    const { clock, results, scheduler } = harness();
    scheduler.add(sleepingProbe(clock, newLog(), 'a', 1));
    scheduler.start();
    scheduler.start();
    await clock.advance(10);
    await scheduler.stop();
    await clock.advance(5000);
    scheduler.start();
    await clock.advance(10);
    assert.deepEqual(results.map((r) => r.scheduledAt - T0), [0, 5010]);
    await scheduler.stop();
  });

  it('given a running scheduler, when a probe is added, then it runs at once and on its interval', async () => {
    const { clock, results, scheduler } = harness();
    scheduler.start();
    await clock.advance(700);
    scheduler.add(sleepingProbe(clock, newLog(), 'late', 1));
    await clock.advance(1500);
    assert.deepEqual(results.map((r) => r.startedAt - T0), [700, 1700]);
    assert.equal(scheduler.stats().probes, 1);
    await scheduler.stop();
  });

  it('given a running probe, when it is removed, then it is aborted, reports nothing and never runs again; its slot goes to the queue', async () => {
    const { clock, results, scheduler } = harness({ concurrency: 1 });
    const log = newLog();
    scheduler.add(sleepingProbe(clock, log, 'a', 500));
    scheduler.add(sleepingProbe(clock, log, 'b', 10));
    scheduler.start();
    await clock.advance(100);
    assert.equal(scheduler.remove('a'), true);
    assert.equal(log.signals[0]?.aborted, true);
    await clock.advance(3000);
    assert.deepEqual(log.starts.map((s) => `${s.key}@${s.at - T0}`), ['a@0', 'b@100', 'b@1000', 'b@2000', 'b@3000']);
    assert.ok(results.every((r) => r.key === 'b'));
    assert.equal(scheduler.stats().probes, 1);
    await scheduler.stop();
  });

  it('given a queued or waiting probe, when it is removed, then it never runs; an unknown key is answered false', async () => {
    const { clock, scheduler } = harness({ concurrency: 1 });
    const log = newLog();
    scheduler.add(sleepingProbe(clock, log, 'a', 500));
    scheduler.add(sleepingProbe(clock, log, 'queued', 10));
    scheduler.add(sleepingProbe(clock, log, 'waiting', 10, 1000));
    scheduler.start();
    await clock.advance(1);
    assert.equal(scheduler.stats().queued, 2);
    assert.equal(scheduler.remove('queued'), true);
    assert.equal(scheduler.stats().queued, 1);
    await clock.advance(600);
    assert.equal(scheduler.remove('waiting'), true);
    assert.equal(scheduler.remove('nope'), false);
    await clock.advance(3000);
    assert.deepEqual([...new Set(log.starts.map((s) => s.key))], ['a', 'waiting']);
    await scheduler.stop();
  });

  it('given a key already scheduled, when added again, then it is refused until removed (a config reload swaps it)', async () => {
    const { clock, results, scheduler } = harness();
    scheduler.add(sleepingProbe(clock, newLog(), 'a', 1, 1000));
    scheduler.start();
    assert.throws(() => scheduler.add(sleepingProbe(clock, newLog(), 'a', 1, 500)), /^Error: probe "a": already scheduled/);
    await clock.advance(100);
    scheduler.remove('a');
    scheduler.add(sleepingProbe(clock, newLog(), 'a', 1, 500));
    await clock.advance(1001);
    assert.deepEqual(results.map((r) => r.startedAt - T0), [0, 100, 600, 1100]);
    await scheduler.stop();
  });
});

describe('ProbeScheduler refuses bad definitions', () => {
  const clock = new ManualClock();
  const base: ProbeSchedulerOptions<string> = { concurrency: 1, jitterFraction: 0.1, random: () => 0, timers: clock, onResult: () => undefined };

  it('names the option and the reason', () => {
    assert.throws(() => new ProbeScheduler({ ...base, concurrency: 0 }), /concurrency: must be an integer from 1 to 10000 \(got 0\)/);
    assert.throws(() => new ProbeScheduler({ ...base, concurrency: 1.5 }), /concurrency: must be an integer/);
    assert.throws(() => new ProbeScheduler({ ...base, jitterFraction: 1.1 }), /jitterFraction: must be a number from 0 to 1 \(got 1.1\)/);
    assert.throws(() => new ProbeScheduler({ ...base, jitterFraction: Number.NaN }), /jitterFraction/);
    assert.throws(() => new ProbeScheduler({ ...base, stopGraceMs: -1 }), /stopGraceMs: must be an integer from 0/);
  });

  it('names the probe, the field and the reason, and registers nothing', () => {
    const scheduler = new ProbeScheduler(base);
    const run = () => Promise.resolve('x');
    assert.throws(() => scheduler.add({ key: '', intervalMs: 1000, timeoutMs: 10, run }), /probe key: must be a string of 1 to 256 characters \(got ""\)/);
    assert.throws(() => scheduler.add({ key: 'a', intervalMs: 0, timeoutMs: 10, run }), /probe "a": intervalMs: must be an integer from 1 to 2147483647 \(got 0\)/);
    assert.throws(() => scheduler.add({ key: 'a', intervalMs: 2 ** 31, timeoutMs: 10, run }), /probe "a": intervalMs/);
    assert.throws(() => scheduler.add({ key: 'a', intervalMs: 1000, timeoutMs: Number.POSITIVE_INFINITY, run }), /probe "a": timeoutMs/);
    assert.throws(() => scheduler.add({ key: 'a', intervalMs: 1000, timeoutMs: 10, run: 'no' as unknown as typeof run }), /probe "a": run must be a function/);
    assert.equal(scheduler.stats().probes, 0);
  });
});
