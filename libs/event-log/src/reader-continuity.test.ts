import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AGAIN, NEXT, ReaderContinuity } from './reader-continuity.js';

describe('ReaderContinuity', () => {
  it('hands on deliveries numbered one by one, whatever stream sequences they skip (messages not stored)', () => {
    const continuity = new ReaderContinuity(1);
    assert.equal(continuity.observe(4, 1), NEXT, 'the first stored message after a purge');
    assert.equal(continuity.observe(5, 2), NEXT);
    assert.equal(continuity.observe(9, 3), NEXT, 'three deleted messages');
    assert.equal(continuity.next, 10);
  });

  it('reads by sequence what lies between when the delivery numbers jump: deliveries lost in flight', () => {
    const continuity = new ReaderContinuity(100);
    assert.equal(continuity.observe(100, 1), NEXT);
    assert.equal(continuity.observe(101, 2), NEXT);
    assert.deepEqual(continuity.observe(160, 61), { kind: 'after-loss', from: 102, to: 159 });
    assert.equal(continuity.observe(161, 62), NEXT);
    assert.equal(continuity.next, 162);
  });

  it('skips what a consumer resumed from an older saved state sends again, then follows its numbering', () => {
    const continuity = new ReaderContinuity(1);
    for (let seq = 1; seq <= 10; seq++) assert.equal(continuity.observe(seq, seq), NEXT);
    assert.equal(continuity.observe(7, 7), AGAIN, 'the saved state said 6 were delivered');
    assert.equal(continuity.observe(10, 10), AGAIN);
    assert.equal(continuity.observe(11, 11), NEXT);
  });

  it('counts any break in the numbering as a possible loss, backwards too, when the stream sequence moves on', () => {
    const continuity = new ReaderContinuity(1);
    assert.equal(continuity.observe(1, 1), NEXT);
    assert.equal(continuity.observe(2, 2), NEXT);
    assert.deepEqual(continuity.observe(5, 1), { kind: 'after-loss', from: 3, to: 4 });
    assert.equal(continuity.observe(6, 2), NEXT);
  });

  it('a jump in the numbering with the very next stream sequence has nothing to read', () => {
    const continuity = new ReaderContinuity(1);
    assert.equal(continuity.observe(1, 1), NEXT);
    assert.equal(continuity.observe(2, 9), NEXT);
  });

  it('starts at sequence 1 at the earliest', () => {
    assert.equal(new ReaderContinuity(0).next, 1);
  });

});
