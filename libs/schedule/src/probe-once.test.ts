import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from './manual-clock.js';
import type { Probe } from './probe.js';
import { runProbeOnce } from './probe-once.js';

const T0 = 10_000;

function probe(run: (signal: AbortSignal) => Promise<string>, timeoutMs = 100): Probe<string> {
  return { key: 'disk:/srv#disk_usage', intervalMs: 1000, timeoutMs, run };
}

/** Until its signal is aborted; then rejects, as a well-behaved probe does. */
const hangs = (seen: AbortSignal[]) => (signal: AbortSignal) => {
  seen.push(signal);
  return new Promise<string>((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true }));
};

describe('runProbeOnce: one run now, outside the schedule, bounded like a scheduled one', () => {
  it('given a probe that finds something, then the run carries its finding, started and planned now', async () => {
    const clock = new ManualClock(T0);
    const run = await runProbeOnce(probe(async () => 'fine'), clock, new AbortController().signal);
    assert.deepEqual(run, { key: 'disk:/srv#disk_usage', scheduledAt: T0, startedAt: T0, finishedAt: T0, outcome: { ok: true, value: 'fine' } });
    assert.equal(clock.pendingTimers(), 0, 'its deadline is cleared');
  });

  it('given a probe that throws, then a probe error naming what it threw, on one line', async () => {
    const run = await runProbeOnce(probe(() => Promise.reject(new Error('no\nroute'))), new ManualClock(T0), new AbortController().signal);
    assert.deepEqual(run?.outcome, { ok: false, reason: 'probe error: no route' });
  });

  it('given a probe that hangs, then at its timeout it is aborted and the run is a timed-out probe error', async () => {
    const clock = new ManualClock(T0);
    const seen: AbortSignal[] = [];
    const running = runProbeOnce(probe(hangs(seen), 100), clock, new AbortController().signal);
    await Promise.resolve();
    await clock.advance(99);
    assert.equal(seen[0]?.aborted, false);
    await clock.advance(1);
    const run = await running;
    assert.deepEqual(run?.outcome, { ok: false, reason: 'probe error: timed out after 100 ms' });
    assert.equal(run?.finishedAt, T0 + 100);
    assert.equal(seen[0]?.aborted, true);
  });

  it('given a cancel while it runs, then the probe is aborted and the run reports nothing', async () => {
    const clock = new ManualClock(T0);
    const cancel = new AbortController();
    const seen: AbortSignal[] = [];
    const running = runProbeOnce(probe(hangs(seen)), clock, cancel.signal);
    await Promise.resolve();
    cancel.abort();
    assert.equal(await running, null);
    assert.equal(seen[0]?.aborted, true);
    assert.equal(clock.pendingTimers(), 0);
  });

  it('given a cancel before it starts, then the probe never runs', async () => {
    const cancel = new AbortController();
    cancel.abort();
    let runs = 0;
    const run = await runProbeOnce(probe(async () => String(++runs)), new ManualClock(T0), cancel.signal);
    assert.equal(run, null);
    assert.equal(runs, 0);
  });
});
