import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pinnedLookup } from './pinned-lookup.js';

describe('pinnedLookup', () => {
  const lookup = pinnedLookup([
    { address: '::1', family: 6 },
    { address: '127.0.0.1', family: 4 },
  ]);

  it('answers a single-address query with the first pinned address, whatever the name', () => {
    let answer: unknown[] = [];
    lookup('rebinding.example', {}, (...args) => (answer = args));
    assert.deepEqual(answer, [null, '::1', 6]);
  });

  it('answers an all-addresses query (Node trying address after address) with the pinned ones, in order', () => {
    let answer: unknown[] = [];
    lookup('rebinding.example', { all: true }, (...args) => (answer = args));
    assert.deepEqual(answer, [
      null,
      [
        { address: '::1', family: 6 },
        { address: '127.0.0.1', family: 4 },
      ],
    ]);
  });

  it('refuses to pin nothing', () => {
    assert.throws(() => pinnedLookup([]), RangeError);
  });
});
