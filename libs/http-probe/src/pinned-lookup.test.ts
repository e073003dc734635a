import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pinnedLookup } from './pinned-lookup.js';

describe('pinnedLookup', () => {
  const lookup = pinnedLookup({ address: '127.0.0.1', family: 4 });

  it('answers a single-address query with the pinned address, whatever the name', () => {
    let answer: unknown[] = [];
    lookup('rebinding.example', {}, (...args) => (answer = args));
    assert.deepEqual(answer, [null, '127.0.0.1', 4]);
  });

  it('answers an all-addresses query (Node racing families) with the pinned address alone', () => {
    let answer: unknown[] = [];
    lookup('rebinding.example', { all: true }, (...args) => (answer = args));
    assert.deepEqual(answer, [null, [{ address: '127.0.0.1', family: 4 }]]);
  });
});
