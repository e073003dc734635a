import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { firstRunDelays } from './probe-phases.js';

describe('firstRunDelays', () => {
  it('given one probe, then it runs at once', () => {
    assert.deepEqual(firstRunDelays([60_000]), [0]);
  });

  it('given four probes of one interval, then they start a quarter of it apart, the first at once', () => {
    assert.deepEqual(firstRunDelays([15_000, 15_000, 15_000, 15_000]), [0, 3_750, 7_500, 11_250]);
  });

  it('given probes of different intervals, then each is placed within its own interval', () => {
    assert.deepEqual(firstRunDelays([1_000, 60_000]), [0, 30_000]);
  });

  it('given 1,000 probes every 15 s, then no two start in the same 15 ms and none later than its interval', () => {
    const delays = firstRunDelays(Array.from({ length: 1000 }, () => 15_000));
    assert.equal(new Set(delays).size, 1000);
    assert.ok(delays.every((delay, i) => delay < 15_000 && (i === 0 || delay - delays[i - 1]! === 15)));
  });

  it('given no probe, then there is nothing to place', () => {
    assert.deepEqual(firstRunDelays([]), []);
  });
});
