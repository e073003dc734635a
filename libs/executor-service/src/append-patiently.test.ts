import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidEventError } from '@jarvis/event-log';
import { appendPatiently } from './append-patiently.js';

const QUICK = { initialMs: 1, maxMs: 4, giveUpAfterMs: 2_000 };

function failingTimes(n: number, error: () => Error = () => new Error('TIMEOUT')) {
  const calls = { count: 0 };
  const append = async () => {
    calls.count += 1;
    if (calls.count <= n) throw error();
  };
  return { calls, append };
}

describe('appendPatiently', () => {
  it('given an append that fails a few times, then it keeps the outcome and stores it once it can', async () => {
    const { calls, append } = failingTimes(5);
    let progress = 0;
    await appendPatiently(append, QUICK, () => (progress += 1));
    assert.equal(calls.count, 6);
    assert.equal(progress, 5, 'the delivery is kept alive between tries');
  });

  it('given an append that never succeeds, then it gives up after the deadline with the last error', async () => {
    const { calls, append } = failingTimes(Number.MAX_SAFE_INTEGER);
    await assert.rejects(appendPatiently(append, { initialMs: 1, maxMs: 2, giveUpAfterMs: 50 }, () => undefined), /TIMEOUT/);
    assert.ok(calls.count > 1);
  });

  it('given an invalid event, then it does not retry what can never be stored', async () => {
    const { calls, append } = failingTimes(Number.MAX_SAFE_INTEGER, () => new InvalidEventError('ActionSucceeded', ['data.result: too long']));
    await assert.rejects(appendPatiently(append, QUICK, () => undefined), InvalidEventError);
    assert.equal(calls.count, 1);
  });
});
