import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ContainerSnapshot } from '@jarvis/registry';
import { snapshotAfterExit } from './exit-snapshot.js';

const RUNNING: ContainerSnapshot = {
  id: 'c0ffee',
  name: 'web',
  labels: { 'jarvis.watch': 'true' },
  state: 'running',
  startedAt: '2025-03-01T11:00:00.000Z',
  finishedAt: null,
  exitCode: 0,
  oomKilled: false,
  health: null,
  restartCount: 2,
  restartsItself: false,
};
const DIED_AT = new Date('2025-03-01T12:00:00.123Z');
const exit = { containerId: 'c0ffee', exitCode: 137, time: DIED_AT, oomKilled: false };

describe('snapshotAfterExit', () => {
  it('given a container inspected while running, when it dies, then it is exited with the code and time of the event', () => {
    assert.deepEqual(snapshotAfterExit(RUNNING, exit), { ...RUNNING, state: 'exited', finishedAt: DIED_AT.toISOString(), exitCode: 137 });
  });

  it('given an oom event before the death, then the snapshot names the OOM killer', () => {
    assert.equal(snapshotAfterExit(RUNNING, { ...exit, oomKilled: true })?.oomKilled, true);
  });

  it('given another container now under that name, then the event does not stand for an inspect', () => {
    assert.equal(snapshotAfterExit(RUNNING, { ...exit, containerId: 'decade' }), null);
  });

  it('given a restart policy of its own, then only an inspect can say whether it is restarting', () => {
    assert.equal(snapshotAfterExit({ ...RUNNING, restartsItself: true }, exit), null);
  });

  it('given an event without an exit code, then the event does not stand for an inspect', () => {
    assert.equal(snapshotAfterExit(RUNNING, { ...exit, exitCode: null }), null);
  });
});
