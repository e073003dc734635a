import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ContainerSnapshot } from './container-runtime.js';
import { verifyContainer, type VerificationRules } from './container-verification.js';

const T0 = Date.parse('2025-03-01T12:00:00.000Z');
const at = (offsetMs: number) => new Date(T0 + offsetMs);
const ACTION_STARTED = at(0);
const RULES: VerificationRules = { stableForMs: 2000, timeoutMs: 60_000 };

/** A container restarted by the action, `startedOffsetMs` after the action began. */
function restarted(startedOffsetMs: number, overrides: Partial<ContainerSnapshot> = {}): ContainerSnapshot {
  return {
    id: 'c0ffee',
    name: 'web',
    labels: {},
    state: 'running',
    startedAt: at(startedOffsetMs).toISOString(),
    finishedAt: at(startedOffsetMs - 10).toISOString(),
    exitCode: 0,
    oomKilled: false,
    health: null,
    restartCount: 1,
    restartsItself: false,
    ...overrides,
  };
}

const verify = (s: ContainerSnapshot | null, nowOffsetMs: number, rules = RULES) => verifyContainer(s, ACTION_STARTED, at(nowOffsetMs), rules);

describe('verifyContainer', () => {
  it('passes once the restarted container has stayed up stableForMs', () => {
    assert.deepEqual(verify(restarted(500), 2500), { kind: 'passed', evidence: `running for 2000 ms since ${at(500).toISOString()}` });
  });

  it('says healthy in the evidence when there is a healthcheck', () => {
    const verdict = verify(restarted(500, { health: { status: 'healthy', failingStreak: 0, firstFailureAt: null } }), 3000);
    assert.equal(verdict.kind, 'passed');
    assert.match(verdict.kind === 'passed' ? verdict.evidence : '', /, healthy$/);
  });

  it('is pending until the container has been up long enough', () => {
    assert.deepEqual(verify(restarted(500), 2499), { kind: 'pending', waitingFor: 'up 1999 ms of the required 2000 ms' });
  });

  it('is pending while the healthcheck is still starting, and fails if it is still starting at the timeout', () => {
    const starting = restarted(500, { health: { status: 'starting', failingStreak: 0, firstFailureAt: null } });
    assert.deepEqual(verify(starting, 5000), { kind: 'pending', waitingFor: 'healthcheck still starting' });
    assert.deepEqual(verify(starting, 60_000), { kind: 'failed', reason: 'healthcheck still starting after 60s' });
  });

  it('fails an unhealthy container once it has been up long enough', () => {
    const unhealthy = restarted(500, { health: { status: 'unhealthy', failingStreak: 3, firstFailureAt: at(1000).toISOString() } });
    assert.deepEqual(verify(unhealthy, 1000), { kind: 'pending', waitingFor: 'up 500 ms of the required 2000 ms' });
    assert.deepEqual(verify(unhealthy, 5000), { kind: 'failed', reason: 'unhealthy after restart (3 failing checks)' });
  });

  it('fails at once when the container exited again or is gone', () => {
    assert.deepEqual(verify(restarted(500, { state: 'exited', exitCode: 1 }), 1000), { kind: 'failed', reason: 'container is exited (exit code 1)' });
    assert.deepEqual(verify(restarted(500, { state: 'restarting', exitCode: null }), 1000), { kind: 'failed', reason: 'container is restarting (exit code ?)' });
    assert.deepEqual(verify(null, 1000), { kind: 'failed', reason: 'container no longer exists' });
  });

  it('is pending while the container has not been restarted since the action began', () => {
    const old = restarted(-3_600_000);
    assert.deepEqual(verify(old, 5000), { kind: 'pending', waitingFor: 'container has not been restarted' });
    assert.deepEqual(verify(restarted(0, { startedAt: null }), 5000), { kind: 'pending', waitingFor: 'container has not been restarted' });
  });

  it('accepts a start up to one second before the recorded action start (clock granularity)', () => {
    assert.equal(verify(restarted(-1000), 5000).kind, 'passed');
    assert.equal(verify(restarted(-1001), 5000).kind, 'pending');
  });

  it('fails after the timeout when the container was never restarted', () => {
    assert.deepEqual(verify(restarted(-3_600_000), 60_000), { kind: 'failed', reason: 'container has not been restarted after 60s' });
    assert.equal(verify(restarted(-3_600_000), 59_999).kind, 'pending');
  });

  it('fails after the timeout when the container never became stable', () => {
    const verdict = verify(restarted(59_500), 61_000, { stableForMs: 5000, timeoutMs: 60_000 });
    assert.deepEqual(verdict, { kind: 'failed', reason: 'up 1500 ms of the required 5000 ms after 61s' });
  });

  it('passes immediately with stableForMs 0', () => {
    assert.equal(verify(restarted(500), 500, { stableForMs: 0, timeoutMs: 60_000 }).kind, 'passed');
  });
});
