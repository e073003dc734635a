import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createEvent, decodeEvent, encodeEvent, newerSchemaOf, validateEvent } from './codec.js';
import type { JarvisEvent } from './envelope.js';
import { derivedId } from './ids.js';
import { containerTarget, targetOf } from './target.js';

const INCIDENT = derivedId('test', 'incident');
const TIME = '2025-03-01T12:00:00.000Z';
const target = containerTarget('web');

const detection = createEvent({
  id: derivedId('test', 'detection'),
  type: 'DetectionRecorded',
  source: 'monitor',
  time: TIME,
  subject: 'container:web',
  correlationId: INCIDENT,
  causationId: null,
  data: { target, check: 'container_state', status: 'failed', reason: 'exited with code 137', faultAt: '2025-03-01T11:59:59.500Z' },
});

const decision = createEvent({
  id: derivedId('test', 'decision'),
  type: 'RemediationDecided',
  source: 'policy',
  time: TIME,
  subject: 'container:web',
  correlationId: INCIDENT,
  causationId: detection.id,
  data: { target, outcome: 'execute', action: 'restart_container', params: {}, risk: 'low', rule: 'auto_restart_watched', reason: 'watched', attempt: 2, notBefore: '2025-03-01T12:00:01.000Z' },
});

const succeeded = createEvent({
  id: derivedId('test', 'succeeded'),
  type: 'ActionSucceeded',
  source: 'executor',
  time: TIME,
  subject: 'container:web',
  correlationId: INCIDENT,
  causationId: decision.id,
  data: { target, decisionId: decision.id, action: 'restart_container', result: 'restarted', details: {}, durationMs: 0 },
});

const escalated = createEvent({
  id: derivedId('test', 'escalated'),
  type: 'IncidentEscalated',
  source: 'policy',
  time: TIME,
  subject: 'container:web',
  correlationId: INCIDENT,
  causationId: decision.id,
  data: { target, rule: 'circuit_breaker', reason: 'too many restarts', attempts: 5, retryAfter: '2025-03-01T12:10:00.000Z' },
});

/** The JSON shape of a value: class instances and plain objects with the same fields compare equal. */
function plain(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}

/** A mutable JSON copy of `event` with `mutate` applied, as a peer might send it. */
function tampered(event: JarvisEvent, mutate: (raw: Record<string, any>) => void): Record<string, any> {
  const raw = plain(event) as Record<string, any>;
  mutate(raw);
  return raw;
}

function errorsOf(raw: unknown): string[] {
  const result = validateEvent(raw);
  assert.equal(result.ok, false, 'expected the event to be rejected');
  return result.ok ? [] : result.errors;
}

describe('createEvent', () => {
  it('stamps the catalog version and freezes the event and its data', () => {
    assert.equal(detection.version, 2);
    assert.ok(Object.isFrozen(detection));
    assert.ok(Object.isFrozen(detection.data));
    assert.throws(() => {
      (detection.data as { reason: string }).reason = 'changed';
    }, TypeError);
  });

  it('copies the data, so later changes to the caller object do not leak into the event', () => {
    const data = { target, resolution: 'recovered' as const, reason: 'came back' };
    const event = createEvent({
      id: derivedId('test', 'resolved'),
      type: 'IncidentResolved',
      source: 'monitor',
      time: TIME,
      subject: 'container:web',
      correlationId: INCIDENT,
      causationId: null,
      data,
    });
    data.reason = 'mutated afterwards';
    assert.equal(event.data.reason, 'came back');
  });
});

describe('encodeEvent / decodeEvent round trip', () => {
  for (const event of [detection, decision, succeeded, escalated] as JarvisEvent[]) {
    it(`round-trips a ${event.type}`, () => {
      const decoded = decodeEvent(encodeEvent(event));
      assert.ok(decoded.ok, decoded.ok ? '' : decoded.errors.join('; '));
      assert.deepEqual(plain(decoded.value), plain(event));
      assert.equal(decoded.value.type, event.type);
      assert.ok(Object.isFrozen(decoded.value));
    });
  }

  it('accepts a string as well as bytes', () => {
    const decoded = decodeEvent(JSON.stringify(decision));
    assert.ok(decoded.ok);
    assert.equal(decoded.value.id, decision.id);
  });

  it('accepts an escalation without the optional retryAfter', () => {
    const raw = tampered(escalated, (r) => delete r.data.retryAfter);
    const result = validateEvent(raw);
    assert.ok(result.ok, result.ok ? '' : result.errors.join('; '));
  });

  it('accepts a null causationId and rejects a malformed one', () => {
    assert.ok(validateEvent(tampered(decision, (r) => (r.causationId = null))).ok);
    assert.deepEqual(errorsOf(tampered(decision, (r) => (r.causationId = 'not-a-uuid'))), ['causationId: must be a UUID']);
  });
});

describe('decodeEvent / validateEvent rejections', () => {
  it('rejects invalid JSON at the root', () => {
    const result = decodeEvent('{"id": ');
    assert.equal(result.ok, false);
    assert.match(result.ok ? '' : result.errors[0]!, /^\(root\): not valid JSON \(/);
  });

  it('rejects JSON that is not an object', () => {
    for (const text of ['[]', '42', 'null', '"event"']) {
      const result = decodeEvent(text);
      assert.deepEqual(result, { ok: false, errors: ['(root): must be an object'] }, text);
    }
  });

  it('rejects an unknown event type, naming the type field', () => {
    const errors = errorsOf(tampered(detection, (r) => (r.type = 'DetectionDeleted')));
    assert.equal(errors.length, 1);
    assert.match(errors[0]!, /^type: must be one of the following values: .*DetectionRecorded/);
  });

  it('rejects a type inherited from Object.prototype', () => {
    assert.match(errorsOf(tampered(detection, (r) => (r.type = 'toString')))[0]!, /^type: /);
  });

  it('rejects a newer schema version, naming the expected one', () => {
    assert.deepEqual(errorsOf(tampered(decision, (r) => (r.version = 3))), ['version: RemediationDecided is at schema version 2 in this build, got 3']);
  });

  it('tells a newer schema version apart from an invalid message', () => {
    const newer = JSON.stringify(tampered(decision, (r) => ((r.version = 3), (r.data = { shape: 'of the future' }))));
    assert.deepEqual(newerSchemaOf(newer), { type: 'RemediationDecided', version: 3, known: 2 });
    assert.equal(newerSchemaOf(JSON.stringify(tampered(decision, (r) => (r.version = 1)))), undefined);
    assert.equal(newerSchemaOf(JSON.stringify(tampered(decision, (r) => ((r.version = 3), (r.type = 'NoSuchType'))))), undefined);
    assert.equal(newerSchemaOf('not json'), undefined);
  });

  it('rejects a version that is not a positive integer', () => {
    assert.ok(errorsOf(tampered(decision, (r) => (r.version = 0))).includes('version: must not be less than 1'));
    assert.ok(errorsOf(tampered(decision, (r) => (r.version = '1'))).includes('version: must be an integer number'));
  });

  it('rejects malformed envelope fields, naming each', () => {
    assert.deepEqual(errorsOf(tampered(detection, (r) => (r.id = 'abc'))), ['id: must be a UUID']);
    assert.deepEqual(errorsOf(tampered(detection, (r) => (r.time = 'yesterday'))), ['time: must be a valid ISO 8601 date string']);
    assert.match(errorsOf(tampered(detection, (r) => (r.source = 'chef')))[0]!, /^source: must be one of the following values: monitor, policy/);
    assert.deepEqual(
      errorsOf(tampered(detection, (r) => delete r.correlationId)).filter((e) => e.startsWith('correlationId')),
      ['correlationId: must be a UUID'],
    );
  });

  it('rejects a container id with a slash, naming data.target.id', () => {
    const errors = errorsOf(tampered(detection, (r) => (r.data.target.id = '../etc/passwd')));
    assert.deepEqual(errors, ['data.target.id: must be a Docker container name ([a-zA-Z0-9][a-zA-Z0-9_.-]*)']);
  });

  it('judges a target id by the rule of its own kind', () => {
    const asDisk = (id: string) => tampered(detection, (r) => ((r.data.target.kind = 'disk'), (r.data.target.id = id), (r.subject = `disk:${id}`)));
    assert.equal(validateEvent(asDisk('/srv/data')).ok, true);
    assert.deepEqual(errorsOf(asDisk('/srv/../etc')), ['data.target.id: must be an absolute, normalised mount path (/srv/data)']);
    const asEndpoint = (id: string) => tampered(detection, (r) => ((r.data.target.kind = 'http_endpoint'), (r.data.target.id = id)));
    assert.equal(validateEvent(asEndpoint('plex-web')).ok, true);
    assert.deepEqual(errorsOf(asEndpoint('https://x/$(id)')), ['data.target.id: must be an endpoint name from jarvis.yaml ([a-z0-9][a-z0-9_.-]*)']);
  });

  it('rejects an unknown target kind, naming data.target.kind', () => {
    assert.match(errorsOf(tampered(detection, (r) => (r.data.target.kind = 'vm')))[0]!, /^data\.target\.kind: must be one of the following values: container, disk, http_endpoint/);
  });

  it('bounds params: a prototype key, a non-object or an oversized blob is refused', () => {
    const polluted = JSON.stringify(decision).replace('"params":{}', '"params":{"__proto__":{"polluted":true}}');
    assert.deepEqual(decodeEvent(polluted), { ok: false, errors: ['(root): a "__proto__" key is not allowed anywhere in an event'] });
    const inherited = JSON.stringify(decision).replace('"params":{}', '"params":{"constructor":1}');
    assert.deepEqual(decodeEvent(inherited), { ok: false, errors: ['data.params.constructor: a key naming a member every object inherits is not allowed'] });
    assert.deepEqual(errorsOf(tampered(decision, (r) => (r.data.params = { _hidden: 1 }))), ['data.params: key "_hidden" must match /^[a-zA-Z][a-zA-Z0-9_]{0,63}$/']);
    assert.deepEqual(errorsOf(tampered(decision, (r) => (r.data.params = ['x']))), ['data.params: must be an object']);
    assert.deepEqual(errorsOf(tampered(decision, (r) => (r.data.params = { blob: 'x'.repeat(5000) }))), ['data.params: must be at most 4096 bytes of JSON']);
    assert.equal(validateEvent(tampered(decision, (r) => (r.data.params = { olderThanDays: 7 }))).ok, true);
  });

  it('rejects attempt 0 and a string attempt, naming data.attempt', () => {
    assert.deepEqual(errorsOf(tampered(decision, (r) => (r.data.attempt = 0))), ['data.attempt: must not be less than 1']);
    assert.ok(errorsOf(tampered(decision, (r) => (r.data.attempt = '2'))).includes('data.attempt: must be an integer number'));
  });

  it('rejects a missing required data field', () => {
    assert.ok(errorsOf(tampered(detection, (r) => delete r.data.reason)).includes('data.reason: must be a string'));
    assert.ok(errorsOf(tampered(succeeded, (r) => delete r.data.decisionId)).includes('data.decisionId: must be a UUID'));
  });

  it('rejects a missing data.target', () => {
    const errors = errorsOf(tampered(detection, (r) => delete r.data.target));
    assert.ok(errors.some((e) => e.startsWith('data.target')), errors.join('; '));
  });

  it('rejects a target that is not an object', () => {
    assert.match(errorsOf(tampered(detection, (r) => (r.data.target = 'web')))[0]!, /^data\.target: /);
    assert.match(errorsOf(tampered(detection, (r) => (r.data.target = null)))[0]!, /^data\.target: /);
  });

  it('rejects a missing or non-object data', () => {
    assert.deepEqual(errorsOf(tampered(detection, (r) => delete r.data)), ['data: must be an object']);
    assert.deepEqual(errorsOf(tampered(detection, (r) => (r.data = ['x']))), ['data: must be an object']);
  });

  it('rejects a value outside an enumeration', () => {
    assert.match(errorsOf(tampered(decision, (r) => (r.data.outcome = 'maybe')))[0]!, /^data\.outcome: must be one of the following values: execute, needs_approval, denied$/);
    assert.match(errorsOf(tampered(detection, (r) => (r.data.status = 'broken')))[0]!, /^data\.status: /);
  });

  it('rejects an optional field when present and malformed', () => {
    assert.deepEqual(errorsOf(tampered(escalated, (r) => (r.data.retryAfter = 'soon'))), ['data.retryAfter: must be a valid ISO 8601 date string']);
  });

  it('rejects unknown extra properties in the envelope, in data and in data.target', () => {
    assert.deepEqual(errorsOf(tampered(detection, (r) => (r.priority = 'high'))), ['priority: property priority should not exist']);
    assert.deepEqual(errorsOf(tampered(detection, (r) => (r.data.severity = 3))), ['data.severity: property severity should not exist']);
    assert.deepEqual(errorsOf(tampered(detection, (r) => (r.data.target.host = 'x'))), ['data.target.host: property host should not exist']);
  });

  it('does not accept another type’s payload', () => {
    const errors = errorsOf(tampered(detection, (r) => (r.type = 'IncidentResolved')));
    assert.ok(errors.includes('data.check: property check should not exist'), errors.join('; '));
    assert.ok(errors.some((e) => e.startsWith('data.resolution: ')), errors.join('; '));
  });

  it('reports every problem, not only the first', () => {
    const errors = errorsOf(tampered(decision, (r) => {
      r.data.attempt = 0;
      r.data.notBefore = 'later';
    }));
    assert.ok(errors.includes('data.attempt: must not be less than 1'));
    assert.ok(errors.includes('data.notBefore: must be a valid ISO 8601 date string'));
  });
});

describe('ConsequenceLinked', () => {
  const linked = createEvent({
    id: derivedId('test', 'linked'),
    type: 'ConsequenceLinked',
    source: 'monitor',
    time: TIME,
    subject: 'dns_record:www.lab.jarvis.test',
    correlationId: INCIDENT,
    causationId: null,
    data: { target: targetOf('dns_record', 'www.lab.jarvis.test'), check: 'dns_resolution', reason: 'NXDOMAIN', faultAt: TIME, chain: ['dns_record:www.lab.jarvis.test', 'ddclient:lab'] },
  });

  it('round-trips with its chain', () => {
    const decoded = decodeEvent(encodeEvent(linked));
    assert.ok(decoded.ok);
    assert.deepEqual(plain(decoded.value), plain(linked));
  });

  it('refuses a chain without its root, naming the field', () => {
    assert.deepEqual(errorsOf(tampered(linked, (r) => (r.data.chain = ['dns_record:www.lab.jarvis.test']))), ['data.chain: must contain at least 2 elements']);
  });

  it('refuses a merged incident id that is no UUID', () => {
    assert.match(errorsOf(tampered(linked, (r) => (r.data.mergedIncidentId = '../x'))).join(), /data\.mergedIncidentId/);
  });
});
