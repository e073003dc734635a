import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, it } from 'node:test';
import type { Probe, ProbeRun } from './probe.js';
import { ProbeScheduler } from './probe-scheduler.js';

const realTimers = {
  now: () => Date.now(),
  setTimeout: (callback: () => void, ms: number) => setTimeout(callback, ms),
  clearTimeout: (handle: unknown) => clearTimeout(handle as NodeJS.Timeout),
};

function activeTimers(): number {
  return process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length;
}

describe('ProbeScheduler on real timers', () => {
  it('delivers results of real probes on their intervals and leaves no timer behind after stop', async () => {
    const timersBefore = activeTimers();
    const results: ProbeRun<string>[] = [];
    const scheduler = new ProbeScheduler<string>({
      concurrency: 2,
      jitterFraction: 0.2,
      random: Math.random,
      timers: realTimers,
      onResult: (run) => results.push(run),
      stopGraceMs: 500,
    });
    const probes: Probe<string>[] = [
      { key: 'answers', intervalMs: 40, timeoutMs: 500, run: (signal) => delay(5, 'up', { signal }) },
      { key: 'throws', intervalMs: 40, timeoutMs: 500, run: () => Promise.reject(new Error('connection refused')) },
      { key: 'hangs', intervalMs: 40, timeoutMs: 20, run: (signal) => delay(60_000, 'never', { signal }) },
      { key: 'in-flight-at-stop', intervalMs: 40, timeoutMs: 60_000, run: (signal) => delay(60_000, 'never', { signal }) },
    ];
    for (const probe of probes) scheduler.add(probe);
    scheduler.start();

    const enough = (key: string) => results.filter((r) => r.key === key).length >= 3;
    for (let waited = 0; waited < 5000 && !['answers', 'throws', 'hangs'].every(enough); waited += 20) await delay(20);

    assert.deepEqual(await scheduler.stop(), { unsettled: [] });
    assert.equal(activeTimers(), timersBefore, 'stop() cleared every interval, deadline and grace timer');

    const outcomes = (key: string) => new Set(results.filter((r) => r.key === key).map((r) => (r.outcome.ok ? r.outcome.value : r.outcome.reason)));
    assert.ok(['answers', 'throws', 'hangs'].every(enough), `results: ${results.length}`);
    assert.deepEqual(outcomes('answers'), new Set(['up']));
    assert.deepEqual(outcomes('throws'), new Set(['probe error: connection refused']));
    assert.deepEqual(outcomes('hangs'), new Set(['probe error: timed out after 20 ms']));
    assert.equal(outcomes('in-flight-at-stop').size, 0, 'a run aborted by stop reports nothing');
    assert.ok(results.every((r) => r.startedAt >= r.scheduledAt && r.finishedAt >= r.startedAt));

    const countAfterStop = results.length;
    await delay(100);
    assert.equal(results.length, countAfterStop, 'nothing runs after stop');
  });
});
