import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { containerTarget, createEvent, derivedId, type JarvisEvent } from '@jarvis/contracts';
import { countSince, evolvePolicy, initialPolicyState, pruneBefore, undecidedTriggers } from './policy-state.js';

const T0 = Date.parse('2025-03-01T12:00:00.000Z');
const RETENTION_MS = 168 * 3_600_000;
const iso = (offsetMs: number) => new Date(T0 + offsetMs).toISOString();
const INCIDENT = derivedId('test', 'incident');
const target = containerTarget('web');
const base = { source: 'policy' as const, subject: 'container:web', correlationId: INCIDENT };

const opened = createEvent({
  ...base,
  id: derivedId('test', 'opened'),
  type: 'IncidentOpened',
  source: 'monitor',
  time: iso(0),
  causationId: null,
  data: { target, check: 'container_state', detectionId: derivedId('test', 'detection'), faultAt: iso(0), summary: 'down' },
});

function decided(name: string, outcome: 'execute' | 'needs_approval' | 'denied', at: number, correlationId = INCIDENT, on = target): JarvisEvent {
  return createEvent({
    ...base,
    id: derivedId('test', name),
    type: 'RemediationDecided',
    time: iso(at),
    correlationId,
    subject: `container:${on.id}`,
    causationId: derivedId('trigger', name),
    data: { target: on, outcome, action: 'restart_container', params: {}, risk: 'low', rule: 'r', reason: 'x', attempt: 1, notBefore: iso(at) },
  });
}

function outcome(type: 'ActionFailed' | 'VerificationPassed' | 'VerificationFailed', decisionId: string): JarvisEvent {
  const common = { ...base, id: derivedId('test', type, decisionId), time: iso(5000), causationId: decisionId };
  if (type === 'ActionFailed') return createEvent({ ...common, type, source: 'executor', data: { target, decisionId, action: 'restart_container', error: 'boom', durationMs: 1 } });
  if (type === 'VerificationPassed') return createEvent({ ...common, type, source: 'monitor', data: { target, decisionId, evidence: 'up' } });
  return createEvent({ ...common, type, source: 'monitor', data: { target, decisionId, reason: 'still down' } });
}

describe('evolvePolicy', () => {
  it('opens an incident view on IncidentOpened', () => {
    const state = evolvePolicy(initialPolicyState(), opened, RETENTION_MS);
    assert.deepEqual(state.incidents.get(INCIDENT), {
      targetKey: 'container:web',
      target,
      check: 'container_state',
      maintenance: null,
      open: true,
      escalated: false,
      pendingDecisionId: null,
      lastExecuteDecisionId: null,
      pendingNotBefore: null,
      pendingAbout: null,
      attempts: 0,
      attemptsByAction: {},
      lastTrigger: opened,
      awaitingApproval: false,
      pendingApprovalId: null,
      rateLimited: null,
      closedAt: null,
      rootVerified: false,
      consequences: [],
    });
  });

  it('records an execute decision as pending, counts it and remembers its time per target and per action', () => {
    const state = evolvePolicy(initialPolicyState(), opened, RETENTION_MS);
    const decision = decided('d1', 'execute', 1000);
    evolvePolicy(state, decision, RETENTION_MS);
    const view = state.incidents.get(INCIDENT)!;
    assert.equal(view.pendingDecisionId, decision.id);
    assert.equal(view.attempts, 1);
    assert.ok(state.decidedTriggers.has(decision.causationId!));
    assert.deepEqual(state.attemptsByTarget.get('container:web'), [T0 + 1000]);
    assert.deepEqual(state.actionTimes, [T0 + 1000]);
  });

  it('remembers a non-execute decision as decided without making it pending or counting it', () => {
    for (const kind of ['needs_approval', 'denied'] as const) {
      const state = evolvePolicy(initialPolicyState(), opened, RETENTION_MS);
      const decision = decided(`d-${kind}`, kind, 1000);
      evolvePolicy(state, decision, RETENTION_MS);
      assert.ok(state.decidedTriggers.has(decision.causationId!));
      assert.equal(state.incidents.get(INCIDENT)!.pendingDecisionId, null);
      assert.equal(state.incidents.get(INCIDENT)!.attempts, 0);
      assert.equal(state.attemptsByTarget.size, 0);
      assert.equal(state.actionTimes.length, 0);
    }
  });

  for (const type of ['ActionFailed', 'VerificationPassed', 'VerificationFailed'] as const) {
    it(`clears the pending decision on ${type} for that decision only`, () => {
      const state = evolvePolicy(initialPolicyState(), opened, RETENTION_MS);
      const decision = decided('d1', 'execute', 1000);
      evolvePolicy(state, decision, RETENTION_MS);
      evolvePolicy(state, outcome(type, derivedId('test', 'some-older-decision')), RETENTION_MS);
      assert.equal(state.incidents.get(INCIDENT)!.pendingDecisionId, decision.id);
      evolvePolicy(state, outcome(type, decision.id), RETENTION_MS);
      assert.equal(state.incidents.get(INCIDENT)!.pendingDecisionId, null);
      assert.equal(state.incidents.get(INCIDENT)!.attempts, 1, 'the attempt still counts');
    });
  }

  it('marks escalation and resolution', () => {
    const state = evolvePolicy(initialPolicyState(), opened, RETENTION_MS);
    evolvePolicy(state, decided('d1', 'execute', 1000), RETENTION_MS);
    evolvePolicy(
      state,
      createEvent({ ...base, id: derivedId('test', 'esc'), type: 'IncidentEscalated', time: iso(2000), causationId: null, data: { target, rule: 'circuit_breaker', reason: 'x', attempts: 1 } }), RETENTION_MS,
    );
    assert.equal(state.incidents.get(INCIDENT)!.escalated, true);
    assert.equal(state.incidents.get(INCIDENT)!.open, true);
    evolvePolicy(
      state,
      createEvent({ ...base, id: derivedId('test', 'res'), type: 'IncidentResolved', source: 'monitor', time: iso(3000), causationId: null, data: { target, resolution: 'recovered', reason: 'back' } }), RETENTION_MS,
    );
    assert.equal(state.incidents.get(INCIDENT)!.open, false);
    assert.equal(state.incidents.get(INCIDENT)!.pendingDecisionId, null);
  });

  it('still counts an execute decision of an unknown incident towards the target and action windows', () => {
    const state = initialPolicyState();
    evolvePolicy(state, decided('d1', 'execute', 1000, derivedId('test', 'other-incident')), RETENTION_MS);
    assert.equal(state.incidents.size, 0);
    assert.deepEqual(state.attemptsByTarget.get('container:web'), [T0 + 1000]);
  });

  it('ignores facts it has no use for', () => {
    const state = initialPolicyState();
    const before = JSON.stringify([...state.incidents, ...state.decidedTriggers]);
    evolvePolicy(
      state,
      createEvent({ ...base, id: derivedId('test', 'started'), type: 'ActionStarted', source: 'executor', time: iso(0), causationId: null, data: { target, decisionId: derivedId('x'), action: 'restart_container', attempt: 1, params: {} } }), RETENTION_MS,
    );
    assert.equal(JSON.stringify([...state.incidents, ...state.decidedTriggers]), before);
  });
});

describe('pruneBefore / countSince', () => {
  it('drops times before the cutoff and empty keys', () => {
    const state = initialPolicyState();
    state.attemptsByTarget.set('container:a', [10, 20, 30]);
    state.attemptsByTarget.set('container:b', [5]);
    state.actionTimes = [5, 20];
    pruneBefore(state, 20);
    assert.deepEqual([...state.attemptsByTarget], [['container:a', [20, 30]]]);
    assert.deepEqual(state.actionTimes, [20]);
  });

  it('counts times strictly after `since`', () => {
    assert.equal(countSince([10, 20, 30], 20), 1);
    assert.equal(countSince([10, 20, 30], 9), 3);
    assert.equal(countSince(undefined, 0), 0);
  });
});

describe('undecidedTriggers', () => {
  function decisionFor(trigger: JarvisEvent, outcome: 'execute' | 'needs_approval' | 'denied', at: number): JarvisEvent {
    return createEvent({
      ...base,
      id: derivedId('RemediationDecided', trigger.id),
      type: 'RemediationDecided',
      time: iso(at),
      causationId: trigger.id,
      data: { target, outcome, action: 'restart_container', params: {}, risk: 'low', rule: 'r', reason: 'x', attempt: 1, notBefore: iso(at) },
    });
  }

  it('lists the opening of an incident nobody decided on yet', () => {
    const state = evolvePolicy(initialPolicyState(), opened, RETENTION_MS);
    assert.deepEqual(undecidedTriggers(state), [opened]);
  });

  it('lists nothing once the trigger is decided, whatever the outcome', () => {
    for (const kind of ['execute', 'needs_approval', 'denied'] as const) {
      const state = evolvePolicy(initialPolicyState(), opened, RETENTION_MS);
      evolvePolicy(state, decisionFor(opened, kind, 100), RETENTION_MS);
      assert.deepEqual(undecidedTriggers(state), [], kind);
    }
  });

  it('lists the latest trigger, a failed verification, once the pending decision has its outcome', () => {
    const state = evolvePolicy(initialPolicyState(), opened, RETENTION_MS);
    const decision = decisionFor(opened, 'execute', 100);
    evolvePolicy(state, decision, RETENTION_MS);
    const failed = outcome('VerificationFailed', decision.id);
    evolvePolicy(state, failed, RETENTION_MS);
    assert.deepEqual(undecidedTriggers(state), [failed]);
  });

  it('does not let facts that are no triggers replace the latest trigger', () => {
    const state = evolvePolicy(initialPolicyState(), opened, RETENTION_MS);
    evolvePolicy(state, outcome('VerificationPassed', derivedId('unrelated')), RETENTION_MS);
    evolvePolicy(
      state,
      createEvent({ ...base, id: derivedId('test', 'stopped'), type: 'DetectionRecorded', source: 'monitor', time: iso(1), causationId: null, data: { target, check: 'container_state', status: 'stopped', reason: 'paused', faultAt: iso(1) } }), RETENTION_MS,
    );
    assert.deepEqual(undecidedTriggers(state), [opened]);
  });

  it('lists nothing for escalated or resolved incidents', () => {
    const escalatedState = evolvePolicy(initialPolicyState(), opened, RETENTION_MS);
    evolvePolicy(
      escalatedState,
      createEvent({ ...base, id: derivedId('test', 'esc2'), type: 'IncidentEscalated', time: iso(2000), causationId: null, data: { target, rule: 'circuit_breaker', reason: 'x', attempts: 1 } }), RETENTION_MS,
    );
    assert.deepEqual(undecidedTriggers(escalatedState), []);
    const resolvedState = evolvePolicy(initialPolicyState(), opened, RETENTION_MS);
    evolvePolicy(
      resolvedState,
      createEvent({ ...base, id: derivedId('test', 'res2'), type: 'IncidentResolved', source: 'monitor', time: iso(3000), causationId: null, data: { target, resolution: 'recovered', reason: 'back' } }), RETENTION_MS,
    );
    assert.deepEqual(undecidedTriggers(resolvedState), []);
  });
});

describe('evolvePolicy: retention of closed cases', () => {
  const resolvedAt = (offsetMs: number, incident = INCIDENT) =>
    createEvent({ ...base, correlationId: incident, id: derivedId('test', 'resolved', incident), type: 'IncidentResolved', source: 'monitor', time: iso(offsetMs), causationId: null, data: { target, resolution: 'remediated', reason: 'ok' } });
  const tick = (offsetMs: number) =>
    createEvent({ ...base, id: derivedId('test', 'tick', String(offsetMs)), type: 'DetectionRecorded', source: 'monitor', time: iso(offsetMs), causationId: null, correlationId: derivedId('elsewhere'), data: { target, check: 'container_state', status: 'ok', reason: 'running', faultAt: iso(offsetMs) } });

  it('given a resolved incident, when event time passes the retention, then it and its decided triggers are dropped', () => {
    const state = evolvePolicy(initialPolicyState(), opened, RETENTION_MS);
    const decision = decided('d1', 'execute', 1000);
    evolvePolicy(state, decision, RETENTION_MS);
    evolvePolicy(state, resolvedAt(2000), RETENTION_MS);
    evolvePolicy(state, tick(RETENTION_MS), RETENTION_MS);
    assert.ok(state.incidents.has(INCIDENT), 'kept within the retention');
    assert.ok(state.decidedTriggers.has(decision.causationId!));
    evolvePolicy(state, tick(RETENTION_MS + 2001 + RETENTION_MS / 64), RETENTION_MS);
    assert.equal(state.incidents.has(INCIDENT), false);
    assert.equal(state.decidedTriggers.has(decision.causationId!), false);
  });

  it('keeps open and escalated incidents whatever their age, with their decided triggers', () => {
    const state = evolvePolicy(initialPolicyState(), opened, RETENTION_MS);
    const decision = decided('d1', 'execute', 1000);
    evolvePolicy(state, decision, RETENTION_MS);
    evolvePolicy(state, tick(10 * RETENTION_MS), RETENTION_MS);
    assert.ok(state.incidents.get(INCIDENT)!.open);
    assert.ok(state.decidedTriggers.has(decision.causationId!));
  });

  it('does not drop the execute times the breaker and rate-limit windows count', () => {
    const state = evolvePolicy(initialPolicyState(), opened, 1000);
    evolvePolicy(state, decided('d1', 'execute', 1000), 1000);
    evolvePolicy(state, resolvedAt(2000), 1000);
    evolvePolicy(state, tick(120_000), 1000);
    assert.equal(state.incidents.size, 0);
    assert.deepEqual(state.attemptsByTarget.get('container:web'), [T0 + 1000]);
  });

  it('never reads the clock: an old log replayed today keeps what its own times say', () => {
    const state = evolvePolicy(initialPolicyState(), opened, RETENTION_MS);
    evolvePolicy(state, resolvedAt(2000), RETENTION_MS);
    assert.ok(state.incidents.has(INCIDENT));
  });
});

describe('evolvePolicy: approval and rate-limit memory', () => {
  it('remembers that approval was asked for, until another decision', () => {
    const state = evolvePolicy(initialPolicyState(), opened, RETENTION_MS);
    evolvePolicy(state, decided('d1', 'needs_approval', 1000), RETENTION_MS);
    assert.equal(state.incidents.get(INCIDENT)!.awaitingApproval, true);
    evolvePolicy(state, decided('d2', 'execute', 2000), RETENTION_MS);
    assert.equal(state.incidents.get(INCIDENT)!.awaitingApproval, false);
  });

  it('remembers a rate-limit denial, not other denials', () => {
    const state = evolvePolicy(initialPolicyState(), opened, RETENTION_MS);
    const breaker = decided('d1', 'denied', 1000);
    evolvePolicy(state, breaker, RETENTION_MS);
    assert.equal(state.incidents.get(INCIDENT)!.rateLimited, null);
    const limited = createEvent({ ...(breaker as Extract<JarvisEvent, { type: 'RemediationDecided' }>), id: derivedId('test', 'limited'), causationId: derivedId('trigger', 'limited'), data: { ...(breaker as Extract<JarvisEvent, { type: 'RemediationDecided' }>).data, rule: 'rate_limit' } });
    evolvePolicy(state, limited, RETENTION_MS);
    assert.equal(state.incidents.get(INCIDENT)!.rateLimited, limited);
  });
});
