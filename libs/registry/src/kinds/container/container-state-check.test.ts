import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ContainerSnapshot } from './container-runtime.js';
import { ContainerStateCheck } from './container-state-check.js';
import { containerChecks } from './container-state-check.js';

const NOW = new Date('2025-03-01T12:00:00.000Z');

function snapshot(overrides: Partial<ContainerSnapshot> = {}): ContainerSnapshot {
  return {
    id: 'c0ffee',
    name: 'web',
    labels: {},
    state: 'running',
    startedAt: '2025-03-01T11:00:00.000Z',
    finishedAt: null,
    exitCode: 0,
    oomKilled: false,
    health: null,
    restartCount: 0,
    restartsItself: false,
    ...overrides,
  };
}

const check = new ContainerStateCheck();
const evaluate = (s: ContainerSnapshot | null, stoppedByOperator = false) => check.evaluate({ snapshot: s, stoppedByOperator }, NOW);

describe('ContainerStateCheck', () => {
  it('is registered under its name', () => {
    assert.equal(check.name, 'container_state');
    assert.deepEqual(containerChecks().map((c) => c.name), ['container_state']);
  });

  it('is ok for a running container without a healthcheck', () => {
    assert.deepEqual(evaluate(snapshot()), { check: 'container_state', status: 'ok', reason: 'running', faultAt: NOW.toISOString() });
  });

  it('is ok for a running container that is healthy or still starting', () => {
    const healthy = evaluate(snapshot({ health: { status: 'healthy', failingStreak: 0, firstFailureAt: null } }));
    assert.equal(healthy.status, 'ok');
    assert.equal(healthy.reason, 'running, health healthy');
    const starting = evaluate(snapshot({ health: { status: 'starting', failingStreak: 1, firstFailureAt: '2025-03-01T11:59:50.000Z' } }));
    assert.equal(starting.status, 'ok');
    assert.equal(starting.reason, 'running, health starting');
  });

  it('fails an unhealthy container, dating the fault to the first failing probe', () => {
    const result = evaluate(snapshot({ health: { status: 'unhealthy', failingStreak: 3, firstFailureAt: '2025-03-01T11:59:30.000Z' } }));
    assert.deepEqual(result, { check: 'container_state', status: 'failed', reason: 'unhealthy: 3 failing healthchecks in a row', faultAt: '2025-03-01T11:59:30.000Z' });
  });

  it('dates an unhealthy fault to now when the probe log says nothing', () => {
    const result = evaluate(snapshot({ health: { status: 'unhealthy', failingStreak: 3, firstFailureAt: null } }));
    assert.equal(result.status, 'failed');
    assert.equal(result.faultAt, NOW.toISOString());
  });

  it('fails an exited container, dating the fault to when it finished', () => {
    const result = evaluate(snapshot({ state: 'exited', exitCode: 137, finishedAt: '2025-03-01T11:59:58.123Z' }));
    assert.deepEqual(result, { check: 'container_state', status: 'failed', reason: 'exited: exited with code 137', faultAt: '2025-03-01T11:59:58.123Z' });
  });

  it('names the OOM killer as the cause', () => {
    const result = evaluate(snapshot({ state: 'exited', exitCode: 137, oomKilled: true, finishedAt: '2025-03-01T11:59:58.000Z' }));
    assert.equal(result.status, 'failed');
    assert.equal(result.reason, 'exited: killed by the kernel OOM killer');
    assert.equal(result.faultAt, '2025-03-01T11:59:58.000Z');
  });

  it('fails a dead or never-started container, dating the fault to now without a real finish time', () => {
    const dead = evaluate(snapshot({ state: 'dead', exitCode: null, finishedAt: null }));
    assert.deepEqual(dead, { check: 'container_state', status: 'failed', reason: 'dead: exited with code ?', faultAt: NOW.toISOString() });
    const created = evaluate(snapshot({ state: 'created', startedAt: null, finishedAt: '0001-01-01T00:00:00Z' }));
    assert.equal(created.status, 'failed');
    assert.equal(created.faultAt, NOW.toISOString(), "Docker's zero time is not a fault time");
  });

  it('reports a container its operator stopped as stopped, not failed', () => {
    const result = evaluate(snapshot({ state: 'exited', exitCode: 143, finishedAt: '2025-03-01T11:59:00.000Z' }), true);
    assert.deepEqual(result, { check: 'container_state', status: 'stopped', reason: 'stopped through the Docker API (exit code 143)', faultAt: '2025-03-01T11:59:00.000Z' });
  });

  it('ignores the operator flag while the container is running', () => {
    assert.equal(evaluate(snapshot(), true).status, 'ok');
  });

  it('reports a paused container as stopped', () => {
    assert.deepEqual(evaluate(snapshot({ state: 'paused' })), { check: 'container_state', status: 'stopped', reason: 'paused', faultAt: NOW.toISOString() });
  });

  it('reports a removed container as stopped, not failed: only its owner removes it', () => {
    assert.deepEqual(evaluate(null), { check: 'container_state', status: 'stopped', reason: 'removed', faultAt: NOW.toISOString() });
  });

  it('reports a container being removed as stopped, even without an API kill seen', () => {
    assert.equal(evaluate(snapshot({ state: 'removing', exitCode: 137 })).status, 'stopped');
  });
});
