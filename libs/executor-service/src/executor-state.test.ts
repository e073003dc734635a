import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { containerTarget, createEvent, derivedId, type JarvisEvent } from '@jarvis/contracts';
import { evolveExecutor, initialExecutorState, interruptedDecisions, type ExecutorState } from './executor-state.js';

const T0 = Date.parse('2025-03-01T12:00:00.000Z');
const iso = (offsetMs: number) => new Date(T0 + offsetMs).toISOString();
const target = containerTarget('web');
const INCIDENT = derivedId('test', 'incident');
const envelope = (label: string, offsetMs: number) => ({
  id: derivedId('test', label),
  source: 'executor' as const,
  time: iso(offsetMs),
  subject: 'container:web',
  correlationId: INCIDENT,
  causationId: null,
});

const decided = (label: string, outcome: 'execute' | 'denied' | 'needs_approval' = 'execute') =>
  createEvent({
    ...envelope(`decision-${label}`, 0),
    source: 'policy',
    type: 'RemediationDecided',
    data: { target, outcome, action: 'restart_container', params: {}, risk: 'low', rule: 'r', reason: 'x', attempt: 1, notBefore: iso(0) },
  });
const started = (decisionId: string, offsetMs: number) =>
  createEvent({ ...envelope(`started-${decisionId}-${offsetMs}`, offsetMs), type: 'ActionStarted', data: { target, decisionId, action: 'restart_container', attempt: 1, params: {} } });
const succeeded = (decisionId: string, offsetMs: number) =>
  createEvent({ ...envelope(`ok-${decisionId}`, offsetMs), type: 'ActionSucceeded', data: { target, decisionId, action: 'restart_container', result: 'restarted', details: {}, durationMs: 5 } });
const failed = (decisionId: string, offsetMs: number) =>
  createEvent({ ...envelope(`failed-${decisionId}`, offsetMs), type: 'ActionFailed', data: { target, decisionId, action: 'restart_container', error: 'boom', durationMs: 5 } });

const HOUR = 3_600_000;
const RETENTION_MS = 24 * HOUR;

function fold(events: JarvisEvent[], state: ExecutorState = initialExecutorState()): ExecutorState {
  for (const event of events) evolveExecutor(state, event, RETENTION_MS);
  return state;
}

/** A decision's record without its bookkeeping time and its config edit (tested apart). */
function recordOf(state: ExecutorState, decisionId: string) {
  const record = state.actions.get(decisionId);
  if (!record) return undefined;
  const { lastAt: _lastAt, runId: _runId, edit: _edit, ...rest } = record;
  return rest;
}

describe('evolveExecutor', () => {
  it('remembers an execute decision, not yet started', () => {
    const decision = decided('d1');
    assert.deepEqual(recordOf(fold([decision]), decision.id), { decision, startedAt: null, finished: false });
  });

  it('does not remember decisions that execute nothing', () => {
    assert.equal(fold([decided('denied', 'denied'), decided('approval', 'needs_approval')]).actions.size, 0);
  });

  it('records when the action started, keeping the decision', () => {
    const decision = decided('d1');
    assert.deepEqual(recordOf(fold([decision, started(decision.id, 100)]), decision.id), { decision, startedAt: iso(100), finished: false });
  });

  it('marks the action finished on success or failure, keeping its start and dropping the decision', () => {
    for (const outcome of [succeeded, failed]) {
      const decision = decided(`d-${outcome.name}`);
      assert.deepEqual(recordOf(fold([decision, started(decision.id, 100), outcome(decision.id, 500)]), decision.id), { decision: null, startedAt: iso(100), finished: true });
    }
  });

  it('keeps decisions apart', () => {
    const d1 = decided('d1');
    const d2 = decided('d2');
    const state = fold([d1, d2, started(d1.id, 100), started(d2.id, 200), succeeded(d1.id, 300)]);
    assert.deepEqual(recordOf(state, d1.id), { decision: null, startedAt: iso(100), finished: true });
    assert.deepEqual(recordOf(state, d2.id), { decision: d2, startedAt: iso(200), finished: false });
  });

  it('does not unfinish an action whose start is applied after its outcome', () => {
    const state = fold([succeeded('d1', 500)]);
    assert.deepEqual(recordOf(state, 'd1'), { decision: null, startedAt: null, finished: true });
    evolveExecutor(state, started('d1', 100), RETENTION_MS);
    assert.deepEqual(recordOf(state, 'd1'), { decision: null, startedAt: iso(100), finished: true });
  });

  it('takes the latest start of a resumed attempt', () => {
    const decision = decided('d1');
    assert.equal(recordOf(fold([decision, started(decision.id, 100), started(decision.id, 900)]), decision.id)!.startedAt, iso(900));
  });

  it('ignores every other event', () => {
    const others: JarvisEvent[] = [
      createEvent({ ...envelope('detection', 0), source: 'monitor', type: 'DetectionRecorded', data: { target, check: 'container_state', status: 'failed', reason: 'x', faultAt: iso(0) } }),
      createEvent({ ...envelope('passed', 0), source: 'monitor', type: 'VerificationPassed', data: { target, decisionId: 'd1', evidence: 'up' } }),
      createEvent({ ...envelope('resolved', 0), source: 'monitor', type: 'IncidentResolved', data: { target, resolution: 'remediated', reason: 'ok' } }),
      createEvent({ ...envelope('escalated', 0), source: 'policy', type: 'IncidentEscalated', data: { target, rule: 'circuit_breaker', reason: 'x', attempts: 5 } }),
    ];
    assert.equal(fold(others).actions.size, 0);
  });
});

describe('interruptedDecisions', () => {
  it('lists decisions whose action started without a recorded outcome, and only those', () => {
    const notStarted = decided('not-started');
    const running = decided('running');
    const done = decided('done');
    const broke = decided('broke');
    const state = fold([notStarted, running, done, broke, started(running.id, 100), started(done.id, 100), succeeded(done.id, 200), started(broke.id, 100), failed(broke.id, 200)]);
    assert.deepEqual(interruptedDecisions(state), [running]);
  });

  it('is empty for a fresh state', () => {
    assert.deepEqual(interruptedDecisions(initialExecutorState()), []);
  });
});

const opened = (incident: string, offsetMs: number) =>
  createEvent({ ...envelope(`opened-${incident}`, offsetMs), correlationId: incident, source: 'monitor', type: 'IncidentOpened', data: { target, check: 'container_state', detectionId: derivedId('d', incident), faultAt: iso(offsetMs), summary: 'down' } });
const resolved = (incident: string, offsetMs: number) =>
  createEvent({ ...envelope(`resolved-${incident}`, offsetMs), correlationId: incident, source: 'monitor', type: 'IncidentResolved', data: { target, resolution: 'remediated', reason: 'ok' } });
const detected = (offsetMs: number) =>
  createEvent({ ...envelope(`detection-${offsetMs}`, offsetMs), source: 'monitor', type: 'DetectionRecorded', data: { target, check: 'container_state', status: 'ok', reason: 'running', faultAt: iso(offsetMs) } });

describe('evolveExecutor: cases', () => {
  it('knows an opened incident as open, with the execute decision it is waiting on', () => {
    const decision = decided('d1');
    const state = fold([opened(INCIDENT, 0), decision]);
    assert.deepEqual(state.cases.get(INCIDENT), { target: 'container:web', maintenance: false, fault: { check: 'container_state', faultAt: iso(0) }, open: true, escalated: false, pendingDecisionId: decision.id, closedAt: null, approvalRequests: new Map(), grants: new Map(), failingConsequences: new Set() });
  });

  it('clears the pending decision on its outcome, and only on its own', () => {
    const decision = decided('d1');
    assert.equal(fold([opened(INCIDENT, 0), decision, failed('someone-else', 10)]).cases.get(INCIDENT)!.pendingDecisionId, decision.id);
    assert.equal(fold([opened(INCIDENT, 0), decision, failed(decision.id, 10)]).cases.get(INCIDENT)!.pendingDecisionId, null);
  });

  it('closes the case when the incident is resolved', () => {
    const state = fold([opened(INCIDENT, 0), decided('d1'), resolved(INCIDENT, 500)]);
    assert.deepEqual(state.cases.get(INCIDENT), { target: 'container:web', maintenance: false, fault: { check: 'container_state', faultAt: iso(0) }, open: false, escalated: false, pendingDecisionId: null, closedAt: iso(500), approvalRequests: new Map(), grants: new Map(), failingConsequences: new Set() });
  });
});

describe('evolveExecutor: retention', () => {
  it('given a closed case and a finished action, when event time passes the retention, then both are dropped', () => {
    const decision = decided('d1');
    const state = fold([opened(INCIDENT, 0), decision, started(decision.id, 100), succeeded(decision.id, 200), resolved(INCIDENT, 300)]);
    fold([detected(RETENTION_MS - HOUR)], state);
    assert.ok(state.cases.has(INCIDENT), 'kept inside the retention');
    assert.ok(state.actions.has(decision.id), 'kept inside the retention');
    fold([detected(RETENTION_MS + HOUR)], state);
    assert.equal(state.cases.has(INCIDENT), false);
    assert.equal(state.actions.has(decision.id), false);
    assert.equal(state.runs.size, 0, 'the run index goes with its record');
  });

  it('keeps open cases and actions in flight whatever their age', () => {
    const decision = decided('d1');
    const state = fold([opened(INCIDENT, 0), decision, started(decision.id, 100), detected(10 * RETENTION_MS)]);
    assert.equal(state.cases.get(INCIDENT)!.open, true);
    assert.deepEqual(interruptedDecisions(state), [decision]);
  });

  it('measures age from the latest event about a decision, not from the decision', () => {
    const decision = decided('d1');
    const state = fold([decision, started(decision.id, RETENTION_MS), succeeded(decision.id, RETENTION_MS + 100), detected(RETENTION_MS + 2 * HOUR)]);
    assert.ok(state.actions.has(decision.id));
  });
});

describe('evolveExecutor: the config edit of a run, from the editor\'s events', () => {
  const step = <T extends 'ConfigApplied' | 'ConfigRolledBack' | 'ConfigEditFailed'>(type: T, actionId: string, data: object) =>
    createEvent({ ...envelope(`${type}-${actionId}`, 300), source: 'config-editor', type, data: { target, actionId, path: '/etc/ddclient/ddclient.conf', ...data } } as never);
  const cases: Array<{ name: string; event: (runId: string) => JarvisEvent; edit: unknown }> = [
    { name: 'ConfigApplied', event: (runId) => step('ConfigApplied', runId, { backupPath: '/b', health: 'ok' }), edit: { applied: true } },
    { name: 'ConfigRolledBack', event: (runId) => step('ConfigRolledBack', runId, { backupPath: '/b', reason: 'health check failed' }), edit: { applied: false, reason: 'rolled back: health check failed' } },
    { name: 'ConfigEditFailed', event: (runId) => step('ConfigEditFailed', runId, { stage: 'validation', reason: 'ddclient: unknown option' }), edit: { applied: false, reason: 'validation: ddclient: unknown option' } },
  ];
  for (const { name, event, edit } of cases) {
    it(`given ${name} for a started run, then the run's record holds its outcome`, () => {
      const decision = decided('d1');
      const start = started(decision.id, 100);
      const state = fold([decision, start, event(start.id)]);
      assert.deepEqual(state.actions.get(decision.id)!.edit, edit);
      assert.equal(state.actions.get(decision.id)!.runId, start.id);
    });
  }

  it('given an edit of a run this executor never started, then no record is made', () => {
    const state = fold([step('ConfigApplied', derivedId('test', 'elsewhere'), { backupPath: '/b', health: 'ok' })]);
    assert.equal(state.actions.size, 0);
  });
});
