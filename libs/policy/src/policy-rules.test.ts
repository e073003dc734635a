import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backoffDelayMs } from './policy-rules.js';

describe('backoffDelayMs', () => {
  const backoff = { initialMs: 1000, maxMs: 300_000 };

  it('has no delay for the first attempt', () => {
    assert.equal(backoffDelayMs(1, backoff), 0);
    assert.equal(backoffDelayMs(0, backoff), 0);
  });

  it('starts at initialMs for the second attempt and doubles after that', () => {
    assert.deepEqual([2, 3, 4, 5, 6].map((a) => backoffDelayMs(a, backoff)), [1000, 2000, 4000, 8000, 16000]);
  });

  it('is capped at maxMs', () => {
    assert.equal(backoffDelayMs(10, backoff), 256_000);
    assert.equal(backoffDelayMs(11, backoff), 300_000);
    assert.equal(backoffDelayMs(12, { initialMs: 1000, maxMs: 5000 }), 5000);
    assert.equal(backoffDelayMs(2, { initialMs: 10_000, maxMs: 5000 }), 5000);
  });

  it('stays finite for absurd attempt numbers', () => {
    assert.equal(backoffDelayMs(10_000, backoff), 300_000);
    assert.equal(backoffDelayMs(Number.MAX_SAFE_INTEGER, { initialMs: 3_600_000, maxMs: 86_400_000 }), 86_400_000);
  });

  it('is zero throughout when initialMs is zero', () => {
    for (const attempt of [2, 3, 50]) assert.equal(backoffDelayMs(attempt, { initialMs: 0, maxMs: 300_000 }), 0);
  });
});
