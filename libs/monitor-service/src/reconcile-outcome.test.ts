import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CheckResult } from '@jarvis/registry';
import type { IncidentRecord } from '@jarvis/incidents';
import { reconcileOutcome, type ReconcileInput } from './reconcile-outcome.js';

const T0 = Date.parse('2025-03-01T12:00:00.000Z');
const iso = (offsetMs: number) => new Date(T0 + offsetMs).toISOString();
const REDETECT_MS = 30_000;
const RESTATE_MS = 84 * 3_600_000;
const EXITED = 'exited: exited with code 137';

function incident(overrides: Partial<IncidentRecord> = {}): IncidentRecord {
  return {
    id: 'incident-1',
    target: 'container:web',
    check: 'container_state',
    status: 'open',
    summary: 'down',
    faultAt: iso(0),
    detectedAt: iso(0),
    openedAt: iso(0),
    resolvedAt: null,
    resolution: null,
    decisions: 1,
    actions: 1,
    pendingDecisionId: null,
    pendingApprovalId: null,
    lastDetectionAt: iso(0),
    lastCondition: { check: 'container_state', status: 'failed', reason: EXITED, faultAt: iso(0) },
    awaitsDecision: false,
    mttdMs: 0,
    mttrMs: null,
    consequences: [],
    verifiedAt: null,
    mergedInto: null,
    timeline: [],
    timelineOmitted: 0,
    ...overrides,
  };
}

const result = (status: CheckResult['status'], faultOffsetMs = 0, reason = status === 'failed' ? EXITED : status): CheckResult => ({
  check: 'container_state',
  status,
  reason,
  faultAt: iso(faultOffsetMs),
});

function outcome(overrides: Partial<ReconcileInput>) {
  return reconcileOutcome({
    incident: undefined,
    result: result('failed'),
    removed: false,
    now: new Date(T0 + 1000),
    eventDriven: false,
    redetectAfterMs: REDETECT_MS,
    operatorStoppedAt: undefined,
    restateStopAfterMs: RESTATE_MS,
    ...overrides,
  });
}

describe('reconcileOutcome: failed', () => {
  it('opens an incident when none is open', () => {
    assert.equal(outcome({ incident: undefined, eventDriven: false }), 'open-incident');
    assert.equal(outcome({ incident: undefined, eventDriven: true }), 'open-incident');
  });

  it('does nothing while an action is pending or the incident is escalated, even on an engine event', () => {
    assert.equal(outcome({ incident: incident({ pendingDecisionId: 'decision-1' }), eventDriven: true }), 'nothing');
    assert.equal(outcome({ incident: incident({ status: 'escalated', awaitsDecision: true }), eventDriven: true, now: new Date(T0 + 10 * REDETECT_MS) }), 'nothing');
  });

  it('re-detects at once on an engine event telling a new occurrence, even with the same reason (a crash loop)', () => {
    assert.equal(outcome({ incident: incident({ lastDetectionAt: iso(500) }), result: result('failed', 400), eventDriven: true, now: new Date(T0 + 600) }), 'redetect');
  });

  it('does not re-record the occurrence it recorded when another engine event tells it again (kill, die, stop of one crash)', () => {
    assert.equal(outcome({ incident: incident({ awaitsDecision: true, lastDetectionAt: iso(500) }), eventDriven: true, now: new Date(T0 + 600) }), 'nothing');
  });

  it("takes one exit dated by the die event and by an inspect's FinishedAt, a few ms apart either way, for one occurrence", () => {
    const recorded = incident({ awaitsDecision: true, lastDetectionAt: iso(500) });
    for (const offsetMs of [-3, -40, -5_000, 2, 250]) {
      assert.equal(outcome({ incident: recorded, result: result('failed', offsetMs), eventDriven: true, now: new Date(T0 + 600) }), 'nothing', String(offsetMs));
    }
    assert.equal(outcome({ incident: recorded, result: result('failed', 251), eventDriven: true, now: new Date(T0 + 600) }), 'redetect');
  });

  it('does not re-record an unchanged fault that a decision already answered, however long it lasts', () => {
    const answered = incident({ awaitsDecision: false });
    for (const passes of [1, 10, 1000]) assert.equal(outcome({ incident: answered, now: new Date(T0 + passes * REDETECT_MS) }), 'nothing');
  });

  it('counts a grown unhealthy streak (same start) or a re-dated fault (same reason) as unchanged', () => {
    const unhealthy = incident({ lastCondition: { check: 'container_state', status: 'failed', reason: 'unhealthy: 3 failing healthchecks in a row', faultAt: iso(0) } });
    assert.equal(outcome({ incident: unhealthy, result: result('failed', 0, 'unhealthy: 9 failing healthchecks in a row'), now: new Date(T0 + 5 * REDETECT_MS) }), 'nothing');
    assert.equal(outcome({ incident: incident(), result: result('failed', 5 * REDETECT_MS), now: new Date(T0 + 5 * REDETECT_MS) }), 'nothing');
  });

  it('re-detects a changed fault on a periodic pass', () => {
    assert.equal(outcome({ incident: incident(), result: result('failed', 40_000, 'unhealthy: 3 failing healthchecks in a row') }), 'redetect');
    assert.equal(outcome({ incident: incident({ lastCondition: null }) }), 'redetect');
  });

  it('re-detects an unchanged fault that awaits a decision (a denial to retry, a refused action) once redetectAfterMs has passed', () => {
    const awaiting = incident({ awaitsDecision: true, lastDetectionAt: iso(0) });
    assert.equal(outcome({ incident: awaiting, now: new Date(T0 + REDETECT_MS - 1) }), 'nothing');
    assert.equal(outcome({ incident: awaiting, now: new Date(T0 + REDETECT_MS) }), 'redetect');
  });
});

describe('reconcileOutcome: ok', () => {
  it('resolves an open incident as recovered when nothing is pending', () => {
    assert.equal(outcome({ incident: incident(), result: result('ok') }), 'resolve-recovered');
    assert.equal(outcome({ incident: incident({ status: 'escalated' }), result: result('ok') }), 'resolve-recovered');
  });

  it('leaves a start seen through an engine event to the periodic pass while the incident awaits its decision', () => {
    assert.equal(outcome({ incident: incident({ awaitsDecision: true }), result: result('ok'), eventDriven: true }), 'nothing');
    assert.equal(outcome({ incident: incident({ awaitsDecision: true }), result: result('ok'), eventDriven: false }), 'resolve-recovered');
    assert.equal(outcome({ incident: incident({ status: 'escalated', awaitsDecision: true }), result: result('ok'), eventDriven: true }), 'resolve-recovered');
  });

  it('leaves an incident with a pending action to the verification', () => {
    assert.equal(outcome({ incident: incident({ pendingDecisionId: 'decision-1' }), result: result('ok') }), 'nothing');
  });

  it('does nothing without an incident', () => {
    assert.equal(outcome({ incident: undefined, result: result('ok') }), 'nothing');
  });
});

describe('reconcileOutcome: stopped or removed by the owner', () => {
  it('records a stop by the operator once', () => {
    assert.equal(outcome({ result: result('stopped', 5000), operatorStoppedAt: undefined }), 'mark-stopped');
  });

  it('does not record the same stop again', () => {
    assert.equal(outcome({ result: result('stopped', 5000), operatorStoppedAt: T0 + 5000 }), 'nothing');
    assert.equal(outcome({ result: result('stopped', 5000), operatorStoppedAt: T0 + 9000 }), 'nothing');
  });

  it('records a newer stop than the one recorded', () => {
    assert.equal(outcome({ result: result('stopped', 5000), operatorStoppedAt: T0 + 4999 }), 'mark-stopped');
  });

  it('records a lasting stop again before its record would be forgotten', () => {
    const recordedAt = T0 + 5000;
    assert.equal(outcome({ result: result('stopped', 5000), operatorStoppedAt: recordedAt, now: new Date(recordedAt + RESTATE_MS - 1) }), 'nothing');
    assert.equal(outcome({ result: result('stopped', 5000), operatorStoppedAt: recordedAt, now: new Date(recordedAt + RESTATE_MS) }), 'mark-stopped');
  });

  it('withdraws an open or escalated incident when the owner stops the container', () => {
    assert.equal(outcome({ incident: incident(), result: result('stopped', 5000) }), 'withdraw');
    assert.equal(outcome({ incident: incident({ status: 'escalated' }), result: result('stopped', 5000) }), 'withdraw');
  });

  it("leaves a stop during Jarvis's own pending restart to the verification", () => {
    assert.equal(outcome({ incident: incident({ pendingDecisionId: 'decision-1' }), result: result('stopped', 5000) }), 'nothing');
  });

  it('withdraws an incident whose container was removed, even with an action pending', () => {
    assert.equal(outcome({ incident: incident(), result: result('stopped', 1000, 'removed'), removed: true }), 'withdraw');
    assert.equal(outcome({ incident: incident({ pendingDecisionId: 'decision-1' }), result: result('stopped', 1000, 'removed'), removed: true }), 'withdraw');
  });

  it('records nothing for a removed container without an incident', () => {
    assert.equal(outcome({ result: result('stopped', 1000, 'removed'), removed: true }), 'nothing');
  });
});
