import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EVENT_CATALOG, EVENT_SUBJECT_PREFIX, EVENT_TYPES, isEventType, subjectOf } from './catalog.js';
import { RPC } from './rpc.js';
import { SERVICE_NAMES } from './services.js';

describe('EVENT_CATALOG / subjectOf', () => {
  it('lists every event type once', () => {
    assert.deepEqual([...EVENT_TYPES].sort(), Object.keys(EVENT_CATALOG).sort());
    assert.equal(EVENT_TYPES.length, 29);
  });

  it('gives every type a distinct subject under jarvis.events.', () => {
    const subjects = EVENT_TYPES.map((type) => subjectOf(type));
    assert.equal(new Set(subjects).size, EVENT_TYPES.length);
    for (const subject of subjects) {
      assert.ok(subject.startsWith('jarvis.events.'), subject);
      // Plain NATS tokens: no wildcards or whitespace that would widen or break a subscription.
      assert.match(subject, /^jarvis\.events\.[a-z]+(\.[a-z]+)+$/);
    }
    assert.equal(EVENT_SUBJECT_PREFIX, 'jarvis.events');
  });

  it('subjectOf reads the catalog', () => {
    for (const type of EVENT_TYPES) assert.equal(subjectOf(type), EVENT_CATALOG[type].subject);
    assert.equal(subjectOf('RemediationDecided'), 'jarvis.events.remediation.decided');
  });

  it('gives every type a positive integer version and a payload class', () => {
    for (const type of EVENT_TYPES) {
      const entry = EVENT_CATALOG[type];
      assert.ok(Number.isInteger(entry.version) && entry.version >= 1, type);
      assert.equal(typeof entry.payload, 'function', type);
    }
  });

  it('keeps RPC subjects out of the event stream', () => {
    const rpc = [...SERVICE_NAMES.map((s) => RPC.health(s)), RPC.auditIncident, RPC.auditIncidents, RPC.monitorTargets, RPC.monitorDiagnose];
    for (const subject of rpc) {
      assert.ok(subject.startsWith('jarvis.'), subject);
      assert.ok(!subject.startsWith(`${EVENT_SUBJECT_PREFIX}.`), subject);
    }
  });
});

describe('isEventType', () => {
  it('accepts catalog types only', () => {
    for (const type of EVENT_TYPES) assert.equal(isEventType(type), true, type);
    for (const value of ['detectionRecorded', 'Unknown', '', 'toString', 'constructor', '__proto__', 'hasOwnProperty', 42, null, undefined, {}]) {
      assert.equal(isEventType(value), false, String(value));
    }
  });
});
