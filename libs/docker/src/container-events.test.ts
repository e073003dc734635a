import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseContainerEvent } from './container-events.js';

const line = (action: string, attributes: Record<string, string>) =>
  JSON.stringify({ Type: 'container', Action: action, Actor: { ID: 'c0ffee', Attributes: attributes }, time: 1_700_000_000, timeNano: 1_700_000_000_123_000_000 });

describe('parseContainerEvent', () => {
  it('reads a rename with the name before and after, so an owner stop follows a container compose renames', () => {
    const event = parseContainerEvent(line('rename', { name: 'c0ffee_jt_web_1', oldName: '/jt_web_1', 'jarvis.watch': 'true' }));
    assert.equal(event?.kind, 'rename');
    assert.equal(event?.name, 'c0ffee_jt_web_1');
    assert.equal(event?.oldName, 'jt_web_1');
    assert.deepEqual(event?.labels, { 'jarvis.watch': 'true' });
  });

  it('has no old name for other events, and reads exit codes, health and nanosecond times', () => {
    const die = parseContainerEvent(line('die', { name: 'web', exitCode: '137' }));
    assert.equal(die?.oldName, null);
    assert.equal(die?.exitCode, 137);
    assert.equal(die?.time.toISOString(), '2023-11-14T22:13:20.123Z');
    assert.equal(parseContainerEvent(line('health_status: unhealthy', { name: 'web' }))?.healthStatus, 'unhealthy');
  });

  it('ignores other actions, other types and lines that are not JSON', () => {
    assert.equal(parseContainerEvent(line('exec_start: sh', { name: 'web' })), null);
    assert.equal(parseContainerEvent(JSON.stringify({ Type: 'network', Action: 'connect', Actor: { ID: 'x' } })), null);
    assert.equal(parseContainerEvent('not json'), null);
  });
});
