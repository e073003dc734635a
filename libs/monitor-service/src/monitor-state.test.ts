import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { containerTarget, createEvent, derivedId, type JarvisEvent } from '@jarvis/contracts';
import { evolveMonitor, initialMonitorState, unverifiedActions } from './monitor-state.js';

const T0 = Date.parse('2025-03-01T12:00:00.000Z');
const HOUR = 3_600_000;
const LIMITS = { closedRetentionMs: 24 * HOUR, maxEarlyDetections: 10 };
const iso = (offsetMs: number) => new Date(T0 + offsetMs).toISOString();

function on(name: string) {
  const target = containerTarget(name);
  const subject = `container:${name}`;
  const incidentId = derivedId('incident', name);
  const base = (type: string, offsetMs: number) => ({ id: derivedId(name, type, String(offsetMs)), time: iso(offsetMs), subject, correlationId: incidentId, causationId: null });
  return {
    incidentId,
    subject,
    stopped: (offsetMs: number) =>
      createEvent({ ...base('stop', offsetMs), correlationId: derivedId('operator-stop', name, String(offsetMs)), type: 'DetectionRecorded', source: 'monitor', data: { target, check: 'container_state', status: 'stopped', reason: 'stopped', faultAt: iso(offsetMs) } }),
    started: (offsetMs: number, decisionId: string) =>
      createEvent({ ...base('ActionStarted', offsetMs), type: 'ActionStarted', source: 'executor', data: { target, decisionId, action: 'restart_container', attempt: 1, params: {} } }),
    succeeded: (offsetMs: number, decisionId: string) =>
      createEvent({ ...base('ActionSucceeded', offsetMs), type: 'ActionSucceeded', source: 'executor', data: { target, decisionId, action: 'restart_container', result: 'restarted', details: {}, durationMs: 100 } }),
    withdrawn: (offsetMs: number) =>
      createEvent({ ...base('IncidentResolved', offsetMs), type: 'IncidentResolved', source: 'monitor', data: { target, resolution: 'withdrawn', reason: 'container removed by its owner' } }),
  };
}

function fold(events: JarvisEvent[], state = initialMonitorState()) {
  for (const event of events) evolveMonitor(state, event, LIMITS);
  return state;
}

describe('evolveMonitor: bounded state', () => {
  it('forgets an owner stop once the retention has passed, judged from later event times', () => {
    const web = on('web');
    const db = on('db');
    const state = fold([web.stopped(0), db.stopped(LIMITS.closedRetentionMs - 1)]);
    assert.deepEqual([...state.operatorStops.keys()], [web.subject, db.subject]);
    fold([db.stopped(LIMITS.closedRetentionMs)], state);
    assert.deepEqual([...state.operatorStops.keys()], [db.subject]);
  });

  it('keeps a restated stop: the newest record counts', () => {
    const web = on('web');
    const state = fold([web.stopped(0), on('db').stopped(1), web.stopped(LIMITS.closedRetentionMs / 2), on('x').stopped(LIMITS.closedRetentionMs + 2)]);
    assert.equal(state.operatorStops.get(web.subject), T0 + LIMITS.closedRetentionMs / 2);
    assert.equal(state.operatorStops.has('container:db'), false);
  });

  it('forgets an unverified action once the retention has passed', () => {
    const web = on('web');
    const state = fold([web.started(0, 'decision-1'), web.succeeded(100, 'decision-1')]);
    assert.equal(unverifiedActions(state).length, 1);
    fold([on('db').stopped(LIMITS.closedRetentionMs + 1)], state);
    assert.equal(state.unverified.size, 0);
  });

  it('forgets the unverified actions of an incident that closed (withdrawn by its owner)', () => {
    const web = on('web');
    const state = fold([web.started(0, 'decision-1'), web.succeeded(100, 'decision-1'), on('db').started(50, 'decision-2')]);
    fold([web.withdrawn(200)], state);
    assert.deepEqual([...state.unverified.keys()], ['decision-2']);
  });
});
