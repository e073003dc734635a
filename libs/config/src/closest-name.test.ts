import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { closestName, editDistance } from './closest-name.js';

describe('editDistance', () => {
  it('counts inserts, deletes, replacements and swaps of neighbours as one edit each', () => {
    const cases: [string, string, number][] = [
      ['', '', 0],
      ['policy', 'policy', 0],
      ['polcy', 'policy', 1],
      ['pollicy', 'policy', 1],
      ['polixy', 'policy', 1],
      ['poilcy', 'policy', 1],
      ['strat', 'start', 1],
      ['', 'abc', 3],
      ['colour', 'docker', 4],
    ];
    for (const [a, b, expected] of cases) {
      assert.equal(editDistance(a, b), expected, `${a} -> ${b}`);
      assert.equal(editDistance(b, a), expected, `${b} -> ${a}`);
    }
  });
});

describe('closestName', () => {
  const keys = ['watch', 'policy', 'executor', 'verification', 'docker', 'events', 'lifecycle', 'gateway', 'logLevel'];

  it('finds the key a typo meant, ignoring case', () => {
    assert.equal(closestName('polcy', keys), 'policy');
    assert.equal(closestName('Policy', keys), 'policy');
    assert.equal(closestName('loglevel', keys), 'logLevel');
    assert.equal(closestName('verificaton', keys), 'verification');
    assert.equal(closestName('evnets', keys), 'events');
  });

  it('suggests nothing when nothing is close', () => {
    assert.equal(closestName('colour', keys), undefined);
    assert.equal(closestName('x', keys), undefined);
    assert.equal(closestName('', keys), undefined);
    assert.equal(closestName('policy', []), undefined);
  });

  it('allows one edit for short names and a third of the length for long ones', () => {
    assert.equal(closestName('wtch', keys), 'watch');
    assert.equal(closestName('wtc', keys), undefined, 'two edits on a three-letter word');
    assert.equal(closestName('verfcation', keys), 'verification', 'two edits on a ten-letter word');
  });

  it('prefers the nearest candidate, then the earlier one', () => {
    assert.equal(closestName('stat', ['status', 'start']), 'start');
    assert.equal(closestName('ab', ['ax', 'ay']), 'ax');
  });
});
