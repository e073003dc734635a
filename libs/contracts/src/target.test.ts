import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CONTAINER_NAME_PATTERN, containerTarget, TargetRef, targetKey } from './target.js';

describe('container targets', () => {
  it('builds a TargetRef and its stable key', () => {
    const target = containerTarget('web-1');
    assert.ok(target instanceof TargetRef);
    assert.deepEqual({ ...target }, { kind: 'container', name: 'web-1' });
    assert.equal(targetKey(target), 'container:web-1');
  });

  it('accepts Docker container names and refuses path or shell syntax', () => {
    for (const name of ['web', 'web-1', 'a.b_c', '0db', 'Jarvis_NATS.1']) assert.match(name, CONTAINER_NAME_PATTERN);
    for (const name of ['', '/web', '-web', '.web', '_web', 'a/b', '../x', 'a b', 'web;rm', 'web$', 'wéb', 'web\n']) {
      assert.doesNotMatch(name, CONTAINER_NAME_PATTERN, JSON.stringify(name));
    }
  });
});
