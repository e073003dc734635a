import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CheckResult } from '@jarvis/checks';
import type { IncidentRecord } from '@jarvis/incidents';
import { reconcileOutcome, type ReconcileInput } from './reconcile-outcome.js';

const T0 = Date.parse('2025-03-01T12:00:00.000Z');
const iso = (offsetMs: number) => new Date(T0 + offsetMs).toISOString();
const REDETECT_MS = 30_000;

function incident(overrides: Partial<IncidentRecord> = {}): IncidentRecord {
  return {
    id: 'incident-1',
    target: 'container:web',
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
    lastDetectionAt: iso(0),
    mttdMs: 0,
    mttrMs: null,
    timeline: [],
    ...overrides,
  };
}

const result = (status: CheckResult['status'], faultOffsetMs = 0): CheckResult => ({ check: 'container_state', status, reason: status, faultAt: iso(faultOffsetMs) });

function outcome(overrides: Partial<ReconcileInput>) {
  return reconcileOutcome({
    incident: undefined,
    result: result('failed'),
    now: new Date(T0 + 1000),
    eventDriven: false,
    redetectAfterMs: REDETECT_MS,
    operatorStoppedAt: undefined,
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
    assert.equal(outcome({ incident: incident({ status: 'escalated' }), eventDriven: true, now: new Date(T0 + 10 * REDETECT_MS) }), 'nothing');
  });

  it('re-detects at once on an engine event', () => {
    assert.equal(outcome({ incident: incident({ lastDetectionAt: iso(500) }), eventDriven: true, now: new Date(T0 + 600) }), 'redetect');
  });

  it('re-detects on a periodic pass only once redetectAfterMs has passed since the last detection', () => {
    const open = incident({ lastDetectionAt: iso(0) });
    assert.equal(outcome({ incident: open, now: new Date(T0 + REDETECT_MS - 1) }), 'nothing');
    assert.equal(outcome({ incident: open, now: new Date(T0 + REDETECT_MS) }), 'redetect');
  });
});

describe('reconcileOutcome: ok', () => {
  it('resolves an open incident as recovered when nothing is pending', () => {
    assert.equal(outcome({ incident: incident(), result: result('ok') }), 'resolve-recovered');
    assert.equal(outcome({ incident: incident({ status: 'escalated' }), result: result('ok') }), 'resolve-recovered');
  });

  it('leaves an incident with a pending action to the verification', () => {
    assert.equal(outcome({ incident: incident({ pendingDecisionId: 'decision-1' }), result: result('ok') }), 'nothing');
  });

  it('does nothing without an incident', () => {
    assert.equal(outcome({ incident: undefined, result: result('ok') }), 'nothing');
  });
});

describe('reconcileOutcome: stopped', () => {
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
});
