import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ProbeLagWindow } from './probe-lag-window.js';

describe('ProbeLagWindow', () => {
  it('given no run yet, then there is no summary', () => {
    assert.equal(new ProbeLagWindow(4).summary(), null);
  });

  it('given 100 runs lagging 1..100 ms, then p50 is 50, p99 is 99 and max 100 (nearest rank)', () => {
    const window = new ProbeLagWindow(100);
    for (let lag = 100; lag >= 1; lag--) window.record(lag);
    assert.deepEqual(window.summary(), { runs: 100, p50Ms: 50, p99Ms: 99, maxMs: 100 });
  });

  it('given more runs than it holds, then only the latest count', () => {
    const window = new ProbeLagWindow(3);
    for (const lag of [900, 800, 1, 2, 3]) window.record(lag);
    assert.deepEqual(window.summary(), { runs: 3, p50Ms: 2, p99Ms: 3, maxMs: 3 });
  });

  it('given a run that started before its planned time (a clock step), then its lag counts as zero', () => {
    const window = new ProbeLagWindow(2);
    window.record(-5);
    assert.equal(window.summary()?.maxMs, 0);
  });

  it('refuses a size that is not a positive integer, naming it', () => {
    assert.throws(() => new ProbeLagWindow(0), /size: must be a positive integer/);
  });
});
