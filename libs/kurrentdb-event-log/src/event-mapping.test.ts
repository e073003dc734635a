import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { containerTarget, createEvent, EVENT_CATALOG, newId, type JarvisEvent } from '@jarvis/contracts';
import { EVENT_TYPE_HEADER } from '@jarvis/event-log';
import { appendOutcome, fromRecorded, revisionOfSeq, seqOfRevision, toEventData, type KurrentRecorded } from './event-mapping.js';

function detection(): JarvisEvent {
  const at = '2026-11-29T03:00:00.000Z';
  return createEvent({
    id: newId(),
    type: 'DetectionRecorded',
    source: 'monitor',
    time: at,
    subject: 'container:web',
    correlationId: newId(),
    causationId: null,
    data: { target: containerTarget('web'), check: 'container_state', status: 'failed', reason: 'exited with code 1', faultAt: at },
  });
}

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

/** What the server hands back for what toEventData wrote, at a revision. */
function recordedAt(revision: bigint, event: JarvisEvent, headers = new Map<string, string>([[EVENT_TYPE_HEADER, event.type]])): KurrentRecorded {
  const data = toEventData(event, headers);
  return { revision, type: data.type, data: data.data, metadata: data.metadata };
}

describe('KurrentDB event mapping', () => {
  it('writes the event id as the KurrentDB event id, its type as the event type, and binary data', () => {
    const event = detection();
    const data = toEventData(event, new Map([[EVENT_TYPE_HEADER, event.type]]));
    assert.deepEqual([data.id, data.type, data.contentType], [event.id, 'DetectionRecorded', 'application/octet-stream']);
    assert.deepEqual(JSON.parse(new TextDecoder().decode(data.metadata)), { [EVENT_TYPE_HEADER]: 'DetectionRecorded' });
  });

  it('reads back the same event, at sequence revision + 1, with its headers', () => {
    const event = detection();
    const decoded = fromRecorded(recordedAt(41n, event, new Map<string, string>([[EVENT_TYPE_HEADER, event.type], ['traceparent', TRACEPARENT]])));
    assert.ok(decoded.ok);
    assert.equal(decoded.stored.seq, 42);
    assert.deepEqual(JSON.parse(JSON.stringify(decoded.stored.event)), JSON.parse(JSON.stringify(event)));
    assert.equal(decoded.stored.headers?.get('traceparent'), TRACEPARENT);
  });

  it('takes metadata the client already parsed as JSON', () => {
    const recorded = { ...recordedAt(0n, detection()), metadata: { traceparent: TRACEPARENT, ignored: 7 } };
    const decoded = fromRecorded(recorded);
    assert.ok(decoded.ok);
    assert.deepEqual([decoded.stored.headers?.get('traceparent'), decoded.stored.headers?.get('ignored')], [TRACEPARENT, undefined]);
  });

  it('gives no headers for metadata that is not a JSON object', () => {
    const decoded = fromRecorded({ ...recordedAt(0n, detection()), metadata: new TextEncoder().encode('not json') });
    assert.ok(decoded.ok);
    assert.equal(decoded.stored.headers, undefined);
  });

  it('refuses an event stored under another KurrentDB event type, naming both', () => {
    const decoded = fromRecorded({ ...recordedAt(0n, detection()), type: 'IncidentOpened' });
    assert.ok(!decoded.ok);
    assert.deepEqual(decoded.errors, ['type: DetectionRecorded stored with KurrentDB event type IncidentOpened']);
  });

  it('refuses bytes that are not a valid event, and JSON data the client parsed', () => {
    const garbage = fromRecorded({ revision: 0n, type: 'DetectionRecorded', data: new TextEncoder().encode('{"type":"DetectionRecorded"}'), metadata: undefined });
    assert.ok(!garbage.ok && garbage.errors.length > 0 && garbage.newer === undefined);
    const json = fromRecorded({ revision: 3n, type: 'DetectionRecorded', data: { type: 'DetectionRecorded' }, metadata: undefined });
    assert.ok(!json.ok);
    assert.match(json.errors[0]!, /^data: revision 3 holds JSON/);
  });

  it('marks an event of a newer schema version as one to leave for a newer build', () => {
    const future = { ...JSON.parse(JSON.stringify(detection())), version: 99 };
    const decoded = fromRecorded({ revision: 0n, type: 'DetectionRecorded', data: new TextEncoder().encode(JSON.stringify(future)), metadata: undefined });
    assert.ok(!decoded.ok);
    assert.deepEqual(decoded.newer, { type: 'DetectionRecorded', version: 99, known: EVENT_CATALOG.DetectionRecorded.version });
  });

  it('maps sequences and revisions both ways, refusing a sequence below 1', () => {
    assert.deepEqual([seqOfRevision(0n), seqOfRevision(9n), revisionOfSeq(1), revisionOfSeq(10)], [1, 10, 0n, 9n]);
    assert.throws(() => revisionOfSeq(0), /^RangeError: seq: must be an integer from 1, got 0$/);
    assert.throws(() => revisionOfSeq(1.5), /seq: must be an integer from 1/);
  });

  it('tells a new append from an idempotent repeat by the revision seen just before', () => {
    assert.deepEqual(appendOutcome(undefined, 0n), { seq: 1, duplicate: false }, 'the first event of the stream');
    assert.deepEqual(appendOutcome(0n, 1n), { seq: 2, duplicate: false });
    assert.deepEqual(appendOutcome(1n, 0n), { seq: 1, duplicate: true }, 'KurrentDB answered with the original revision');
    assert.deepEqual(appendOutcome(1n, 1n), { seq: 2, duplicate: true });
  });
});
