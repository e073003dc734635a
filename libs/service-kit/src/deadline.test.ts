import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { beforeDeadline } from './deadline.js';

describe('beforeDeadline', () => {
  it('reports a step that finishes in time as done, and one that fails as its error', async () => {
    assert.equal(await beforeDeadline(Date.now() + 5000, () => Promise.resolve(42)), 'done');
    const failed = await beforeDeadline(Date.now() + 5000, () => Promise.reject(new Error('boom')));
    assert.ok(failed instanceof Error && failed.message === 'boom');
  });

  it('abandons a step that never settles at the deadline', async () => {
    assert.equal(await beforeDeadline(Date.now() + 50, () => new Promise(() => undefined)), 'late');
  });

  it('does not start a step once the deadline has passed', async () => {
    let started = false;
    const result = await beforeDeadline(Date.now() - 1, () => {
      started = true;
      return Promise.resolve();
    });
    assert.equal(result, 'late');
    assert.equal(started, false);
  });
});
