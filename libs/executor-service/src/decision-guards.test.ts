import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ContainerSnapshot } from '@jarvis/checks';
import { WatchConfig } from '@jarvis/config';
import { containerTarget, createEvent, derivedId, type JarvisEvent } from '@jarvis/contracts';
import { judgeReobservation, refusalOf } from './decision-guards.js';
import { evolveExecutor, initialExecutorState, type ExecutorState } from './executor-state.js';

const T0 = Date.parse('2025-03-01T12:00:00.000Z');
const iso = (offsetMs: number) => new Date(T0 + offsetMs).toISOString();
const at = (offsetMs: number) => new Date(T0 + offsetMs);
const RULES = { maxDecisionAgeMs: 120_000 };
const INCIDENT = derivedId('test', 'incident');
const target = containerTarget('web');

const opened = () =>
  createEvent({ id: derivedId('opened'), type: 'IncidentOpened', source: 'monitor', time: iso(0), subject: 'container:web', correlationId: INCIDENT, causationId: null, data: { target, detectionId: derivedId('det'), faultAt: iso(0), summary: 'down' } });
const resolved = () =>
  createEvent({ id: derivedId('resolved'), type: 'IncidentResolved', source: 'monitor', time: iso(10), subject: 'container:web', correlationId: INCIDENT, causationId: null, data: { target, resolution: 'recovered', reason: 'up' } });
const decided = (label: string, overrides: { time?: number; notBefore?: number; correlationId?: string; name?: string } = {}) => {
  const named = containerTarget(overrides.name ?? 'web');
  return createEvent({
    id: derivedId('decision', label),
    type: 'RemediationDecided',
    source: 'policy',
    time: iso(overrides.time ?? 0),
    subject: `container:${named.name}`,
    correlationId: overrides.correlationId ?? INCIDENT,
    causationId: null,
    data: { target: named, outcome: 'execute', action: 'restart_container', rule: 'r', reason: 'x', attempt: 1, notBefore: iso(overrides.notBefore ?? overrides.time ?? 0) },
  });
};

function given(...events: JarvisEvent[]): ExecutorState {
  const state = initialExecutorState();
  for (const event of events) evolveExecutor(state, event, 3_600_000);
  return state;
}

describe('refusalOf: what the log says against a decision', () => {
  it('given the pending decision of an open incident, fresh and known, then nothing is refused', () => {
    const decision = decided('d1');
    assert.equal(refusalOf(given(opened(), decision), decision, true, at(1000), RULES), null);
  });

  it('given an action that does not exist or does not apply, then unknown_action', () => {
    const decision = decided('d1');
    assert.equal(refusalOf(given(opened(), decision), decision, false, at(1000), RULES)?.refusal, 'unknown_action');
  });

  it('given a decision older than the maximum age, then decision_stale', () => {
    const decision = decided('d1');
    const refusal = refusalOf(given(opened(), decision), decision, true, at(120_001), RULES);
    assert.equal(refusal?.refusal, 'decision_stale');
    assert.match(refusal!.reason, /executor\.maxDecisionAgeSeconds/);
  });

  it('given a decision exactly at the maximum age, then it is still fresh', () => {
    const decision = decided('d1');
    assert.equal(refusalOf(given(opened(), decision), decision, true, at(120_000), RULES), null);
  });

  it('counts the age from notBefore when a backoff put it later than the decision', () => {
    const decision = decided('d1', { time: 0, notBefore: 100_000 });
    assert.equal(refusalOf(given(opened(), decision), decision, true, at(200_000), RULES), null);
    assert.equal(refusalOf(given(opened(), decision), decision, true, at(220_001), RULES)?.refusal, 'decision_stale');
  });

  it('given no incident with the decision correlation id, then no_open_case', () => {
    const decision = decided('forged', { correlationId: derivedId('nowhere') });
    assert.equal(refusalOf(given(opened(), decision), decision, true, at(1000), RULES)?.refusal, 'no_open_case');
  });

  it('given a resolved incident, then no_open_case', () => {
    const decision = decided('d1');
    assert.equal(refusalOf(given(opened(), decision, resolved()), decision, true, at(1000), RULES)?.refusal, 'no_open_case');
  });

  it('given an open incident of another target, then no_open_case', () => {
    const decision = decided('other', { name: 'db' });
    assert.equal(refusalOf(given(opened(), decision), decision, true, at(1000), RULES)?.refusal, 'no_open_case');
  });

  it('given an escalated incident, then no_open_case: a person decides now', () => {
    const decision = decided('d1');
    const escalated = createEvent({ id: derivedId('esc'), type: 'IncidentEscalated', source: 'policy', time: iso(5), subject: 'container:web', correlationId: INCIDENT, causationId: decision.id, data: { target, rule: 'decision_timeout', reason: 'x', attempts: 1 } });
    const refusal = refusalOf(given(opened(), decision, escalated), decision, true, at(1000), RULES);
    assert.equal(refusal?.refusal, 'no_open_case');
    assert.match(refusal!.reason, /escalated/);
  });

  it('given an open incident waiting on another decision, then not_the_pending_decision', () => {
    const pending = decided('d1');
    const forged = decided('forged');
    const state = given(opened(), pending);
    assert.equal(refusalOf(state, forged, true, at(1000), RULES)?.refusal, 'not_the_pending_decision');
  });
});

const snapshot = (overrides: Partial<ContainerSnapshot> = {}): ContainerSnapshot => ({
  id: 'c1',
  name: 'web',
  labels: { 'jarvis.watch': 'true' },
  state: 'exited',
  startedAt: iso(-60_000),
  finishedAt: iso(-1000),
  exitCode: 137,
  oomKilled: false,
  health: null,
  restartCount: 0,
  ...overrides,
});
const watch = Object.assign(new WatchConfig(), { containers: ['named'], label: 'jarvis.watch=true' });

describe('judgeReobservation: what a fresh look at the target says', () => {
  it('given a watched container still down, then the fault holds', () => {
    assert.deepEqual(judgeReobservation(snapshot(), watch, at(0)), { kind: 'fault_holds' });
  });

  it('given a watched container running but unhealthy, then the fault holds', () => {
    const unhealthy = snapshot({ state: 'running', health: { status: 'unhealthy', failingStreak: 3, firstFailureAt: iso(-5000) } });
    assert.deepEqual(judgeReobservation(unhealthy, watch, at(0)), { kind: 'fault_holds' });
  });

  it('given a watched container running again, then the decision is superseded with the evidence', () => {
    const verdict = judgeReobservation(snapshot({ state: 'running' }), watch, at(0));
    assert.equal(verdict.kind, 'superseded');
    assert.match((verdict as { evidence: string }).evidence, /container_state ok .*running/);
  });

  it('given a container that no longer exists, then the decision is superseded', () => {
    assert.deepEqual(judgeReobservation(null, watch, at(0)), { kind: 'superseded', evidence: 'the container no longer exists' });
  });

  it('given a container neither named nor labelled, then target_not_watched', () => {
    const verdict = judgeReobservation(snapshot({ name: 'stranger', labels: {} }), watch, at(0));
    assert.equal(verdict.kind === 'refused' && verdict.refusal.refusal, 'target_not_watched');
  });

  it('given a container named in the config without the label, then it is watched', () => {
    assert.deepEqual(judgeReobservation(snapshot({ name: 'named', labels: {} }), watch, at(0)), { kind: 'fault_holds' });
  });
});
