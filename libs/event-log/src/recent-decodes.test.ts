import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RecentDecodes } from './recent-decodes.js';

describe('RecentDecodes', () => {
  it('decodes a sequence once and hands every later consumer the same result', () => {
    const decodes = new RecentDecodes<{ seq: number }>(4);
    let runs = 0;
    const first = decodes.decode(7, () => ({ seq: 7, run: ++runs }), () => true);
    const second = decodes.decode(7, () => ({ seq: 7, run: ++runs }), () => true);
    assert.equal(runs, 1);
    assert.equal(second, first);
  });

  it('decodes again what it was told not to keep (a failure may be a newer build’s message, read again later)', () => {
    const decodes = new RecentDecodes<string>(4);
    let runs = 0;
    for (let i = 0; i < 3; i++) decodes.decode(1, () => `run ${++runs}`, () => false);
    assert.equal(runs, 3);
    assert.equal(decodes.size, 0);
  });

  it('forgets the oldest sequence beyond its capacity', () => {
    const decodes = new RecentDecodes<number>(2);
    for (const seq of [1, 2, 3]) decodes.decode(seq, () => seq, () => true);
    assert.equal(decodes.size, 2);
    let runs = 0;
    decodes.decode(1, () => ++runs, () => true);
    decodes.decode(3, () => ++runs, () => true);
    assert.equal(runs, 1, 'seq 1 decoded again, seq 3 still known');
  });

  it('refuses a capacity that is not a positive integer, naming it', () => {
    for (const capacity of [0, -1, 1.5, Number.NaN]) assert.throws(() => new RecentDecodes(capacity), /capacity: must be a positive integer/);
  });
});
