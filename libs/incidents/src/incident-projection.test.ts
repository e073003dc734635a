import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { containerTarget, createEvent, derivedId, type JarvisEvent } from '@jarvis/contracts';
import { DEFAULT_INCIDENT_BOOK_LIMITS, emptyIncidentBook, evolveIncidents, openIncidentFor, type IncidentBook } from './incident-projection.js';
import { SUMMARY_MAX_CHARS, TIMELINE_HEAD, TIMELINE_TAIL } from './incident-timeline.js';

const T0 = Date.parse('2025-03-01T12:00:00.000Z');
const iso = (offsetMs: number) => new Date(T0 + offsetMs).toISOString();

/** Builds the events of one incident on one container, the way the services record them. */
function incidentOn(name: string, label: string) {
  const id = derivedId('incident', label);
  const target = containerTarget(name);
  const subject = `container:${name}`;
  const envelope = (type: string, offsetMs: number, causationId: string | null = null) => ({
    id: derivedId(label, type, String(offsetMs)),
    time: iso(offsetMs),
    subject,
    correlationId: id,
    causationId,
  });
  return {
    id,
    key: subject,
    detection: (offsetMs: number, faultOffsetMs = 0) =>
      createEvent({
        ...envelope('DetectionRecorded', offsetMs),
        type: 'DetectionRecorded',
        source: 'monitor',
        data: { target, check: 'container_state', status: 'failed', reason: 'exited: exited with code 137', faultAt: iso(faultOffsetMs) },
      }),
    opened: (offsetMs: number, detectionId: string, faultOffsetMs = 0) =>
      createEvent({
        ...envelope('IncidentOpened', offsetMs, detectionId),
        type: 'IncidentOpened',
        source: 'monitor',
        data: { target, check: 'container_state', detectionId, faultAt: iso(faultOffsetMs), summary: `${subject}: exited with code 137` },
      }),
    decided: (offsetMs: number, outcome: 'execute' | 'denied' | 'needs_approval' = 'execute') =>
      createEvent({
        ...envelope(`RemediationDecided-${outcome}`, offsetMs),
        type: 'RemediationDecided',
        source: 'policy',
        data: { target, outcome, action: 'restart_container', params: {}, risk: 'low', rule: 'auto_remediation', reason: 'watched container', attempt: 1, notBefore: iso(offsetMs) },
      }),
    started: (offsetMs: number, decisionId: string) =>
      createEvent({
        ...envelope('ActionStarted', offsetMs, decisionId),
        type: 'ActionStarted',
        source: 'executor',
        data: { target, decisionId, action: 'restart_container', attempt: 1, params: {} },
      }),
    succeeded: (offsetMs: number, decisionId: string) =>
      createEvent({
        ...envelope('ActionSucceeded', offsetMs, decisionId),
        type: 'ActionSucceeded',
        source: 'executor',
        data: { target, decisionId, action: 'restart_container', result: 'restarted', details: {}, durationMs: 400 },
      }),
    passed: (offsetMs: number, decisionId: string) =>
      createEvent({ ...envelope('VerificationPassed', offsetMs, decisionId), type: 'VerificationPassed', source: 'monitor', data: { target, decisionId, evidence: 'running for 2000 ms' } }),
    failed: (offsetMs: number, decisionId: string) =>
      createEvent({ ...envelope('VerificationFailed', offsetMs, decisionId), type: 'VerificationFailed', source: 'monitor', data: { target, decisionId, reason: 'exited again' } }),
    escalated: (offsetMs: number) =>
      createEvent({
        ...envelope('IncidentEscalated', offsetMs),
        type: 'IncidentEscalated',
        source: 'policy',
        data: { target, rule: 'circuit_breaker', reason: '5 restarts', attempts: 5 },
      }),
    resolved: (offsetMs: number, resolution: 'remediated' | 'recovered' = 'remediated') =>
      createEvent({ ...envelope('IncidentResolved', offsetMs), type: 'IncidentResolved', source: 'monitor', data: { target, resolution, reason: 'restarted and verified' } }),
  };
}

function fold(events: JarvisEvent[], book: IncidentBook = emptyIncidentBook(), limits = DEFAULT_INCIDENT_BOOK_LIMITS): IncidentBook {
  for (const event of events) evolveIncidents(book, event, limits);
  return book;
}

describe('evolveIncidents: a full lifecycle', () => {
  const web = incidentOn('web', 'lifecycle');
  const detection = web.detection(2000, 0);
  const opened = web.opened(2100, detection.id, 0);
  const decision = web.decided(2200);
  const started = web.started(2300, decision.id);
  const succeeded = web.succeeded(2700, decision.id);
  const passed = web.passed(8000, decision.id);
  const resolved = web.resolved(8001);

  it('opens the incident with the early detection as its detection time', () => {
    const book = fold([detection, opened]);
    const record = book.byId.get(web.id)!;
    assert.equal(record.status, 'open');
    assert.equal(record.target, 'container:web');
    assert.equal(record.summary, 'container:web: exited with code 137');
    assert.equal(record.faultAt, iso(0));
    assert.equal(record.detectedAt, iso(2000));
    assert.equal(record.lastDetectionAt, iso(2000));
    assert.equal(record.openedAt, iso(2100));
    assert.equal(record.mttdMs, 2000);
    assert.equal(record.mttrMs, null);
    assert.equal(record.resolvedAt, null);
    assert.deepEqual(record.timeline.map((e) => e.type), ['DetectionRecorded', 'IncidentOpened']);
    assert.deepEqual(record.timeline[0], { id: detection.id, type: 'DetectionRecorded', time: iso(2000), source: 'monitor', summary: 'container_state failed: exited: exited with code 137' });
    assert.equal(book.openByCase.get('container:web#container_state'), web.id);
    assert.equal(openIncidentFor(book, 'container:web', 'container_state'), record);
    assert.equal(book.earlyDetections.size, 0, 'the early detection is consumed');
  });

  it('tracks decisions, actions and the pending decision', () => {
    const book = fold([detection, opened, decision, started, succeeded]);
    const record = book.byId.get(web.id)!;
    assert.equal(record.decisions, 1);
    assert.equal(record.actions, 1);
    assert.equal(record.pendingDecisionId, decision.id);
    evolveIncidents(book, passed);
    assert.equal(record.pendingDecisionId, null);
    assert.equal(record.status, 'open');
  });

  it('resolves: status, resolution, mttr from the fault, and the target no longer has an open incident', () => {
    const book = fold([detection, opened, decision, started, succeeded, passed, resolved]);
    const record = book.byId.get(web.id)!;
    assert.equal(record.status, 'resolved');
    assert.equal(record.resolution, 'remediated');
    assert.equal(record.resolvedAt, iso(8001));
    assert.equal(record.mttrMs, 8001);
    assert.equal(record.mttdMs, 2000);
    assert.equal(book.openByCase.has('container:web#container_state'), false);
    assert.equal(openIncidentFor(book, 'container:web', 'container_state'), undefined);
    assert.deepEqual(
      record.timeline.map((e) => e.type),
      ['DetectionRecorded', 'IncidentOpened', 'RemediationDecided', 'ActionStarted', 'ActionSucceeded', 'VerificationPassed', 'IncidentResolved'],
    );
    assert.deepEqual(
      record.timeline.map((e) => e.summary),
      [
        'container_state failed: exited: exited with code 137',
        'container:web: exited with code 137',
        'execute restart_container (auto_remediation): watched container',
        'restart_container attempt 1',
        'restart_container: restarted in 400 ms',
        'running for 2000 ms',
        'remediated: restarted and verified',
      ],
    );
  });
});

describe('evolveIncidents: details', () => {
  it('uses the opening time as detection time when no detection came first', () => {
    const web = incidentOn('web', 'no-detection');
    const book = fold([web.opened(1500, derivedId('elsewhere'), 0)]);
    const record = book.byId.get(web.id)!;
    assert.equal(record.detectedAt, iso(1500));
    assert.equal(record.mttdMs, 1500);
    assert.deepEqual(record.timeline.map((e) => e.type), ['IncidentOpened']);
  });

  it('never reports a negative mttd or mttr when the fault time is later than the detection', () => {
    const web = incidentOn('web', 'clock-skew');
    const detection = web.detection(1000, 5000);
    const book = fold([detection, web.opened(1000, detection.id, 5000), web.resolved(3000, 'recovered')]);
    assert.equal(book.byId.get(web.id)!.mttdMs, 0);
    assert.equal(book.byId.get(web.id)!.mttrMs, 0);
  });

  it('moves lastDetectionAt on later detections and lists them in the timeline', () => {
    const web = incidentOn('web', 'redetect');
    const first = web.detection(1000);
    const book = fold([first, web.opened(1000, first.id), web.detection(31_000)]);
    const record = book.byId.get(web.id)!;
    assert.equal(record.lastDetectionAt, iso(31_000));
    assert.equal(record.detectedAt, iso(1000));
    assert.deepEqual(record.timeline.map((e) => e.type), ['DetectionRecorded', 'IncidentOpened', 'DetectionRecorded']);
  });

  it('counts non-execute decisions without making them pending', () => {
    const web = incidentOn('web', 'denied');
    const book = fold([web.opened(0, derivedId('d')), web.decided(100, 'denied')]);
    assert.equal(book.byId.get(web.id)!.decisions, 1);
    assert.equal(book.byId.get(web.id)!.pendingDecisionId, null);
  });

  it('keeps the pending decision on an outcome of another decision, clears it on its own failure', () => {
    const web = incidentOn('web', 'pending');
    const decision = web.decided(100);
    const book = fold([web.opened(0, derivedId('d')), decision, web.failed(200, derivedId('older decision'))]);
    assert.equal(book.byId.get(web.id)!.pendingDecisionId, decision.id);
    evolveIncidents(book, web.failed(300, decision.id));
    assert.equal(book.byId.get(web.id)!.pendingDecisionId, null);
  });

  it('escalates an open incident, which keeps the target until it is resolved', () => {
    const web = incidentOn('web', 'escalation');
    const book = fold([web.opened(0, derivedId('d')), web.escalated(60_000)]);
    const record = book.byId.get(web.id)!;
    assert.equal(record.status, 'escalated');
    assert.equal(openIncidentFor(book, 'container:web', 'container_state'), record);
    assert.equal(record.timeline.at(-1)!.summary, 'circuit_breaker: 5 restarts');
    evolveIncidents(book, web.resolved(90_000, 'recovered'));
    assert.equal(record.status, 'resolved');
    assert.equal(record.resolution, 'recovered');
    assert.equal(record.mttrMs, 90_000);
    assert.equal(book.openByCase.has('container:web#container_state'), false);
  });

  it('does not turn a resolved incident back into an escalated one', () => {
    const web = incidentOn('web', 'late-escalation');
    const book = fold([web.opened(0, derivedId('d')), web.resolved(1000), web.escalated(2000)]);
    assert.equal(book.byId.get(web.id)!.status, 'resolved');
  });

  it('resolving an older incident leaves a newer incident on the same target open', () => {
    const older = incidentOn('web', 'older');
    const newer = incidentOn('web', 'newer');
    const book = fold([older.opened(0, derivedId('a')), newer.opened(1000, derivedId('b')), older.resolved(2000)]);
    assert.equal(book.openByCase.get('container:web#container_state'), newer.id);
    assert.equal(book.byId.get(newer.id)!.status, 'open');
  });

  it('keeps incidents on different targets apart', () => {
    const web = incidentOn('web', 'two-targets-web');
    const db = incidentOn('db', 'two-targets-db');
    const book = fold([web.opened(0, derivedId('a')), db.opened(0, derivedId('b')), web.resolved(1000)]);
    assert.equal(openIncidentFor(book, 'container:db', 'container_state')?.id, db.id);
    assert.equal(openIncidentFor(book, 'container:web', 'container_state'), undefined);
  });

  it('ignores facts about incidents it never saw opened', () => {
    const ghost = incidentOn('web', 'ghost');
    const book = fold([ghost.decided(0), ghost.started(1, derivedId('x')), ghost.escalated(2), ghost.resolved(3)]);
    assert.equal(book.byId.size, 0);
    assert.equal(book.openByCase.size, 0);
  });

  it('holds a detection that arrives before its incident until the incident opens', () => {
    const web = incidentOn('web', 'early');
    const detection = web.detection(500);
    const book = fold([detection]);
    assert.equal(book.earlyDetections.get(web.id), detection);
    assert.equal(book.byId.size, 0);
  });
});

describe('evolveIncidents: bounded memory', () => {
  const HOUR = 3_600_000;
  const limits = { closedRetentionMs: 24 * HOUR, maxEarlyDetections: 3 };

  it('caps the timeline: the first and the latest entries, with a count of those left out', () => {
    const web = incidentOn('web', 'long');
    const detection = web.detection(0);
    const events: JarvisEvent[] = [detection, web.opened(1, detection.id)];
    for (let i = 0; i < 500; i++) events.push(web.decided(1000 + i * 1000, 'needs_approval'));
    const record = fold(events, emptyIncidentBook(), limits).byId.get(web.id)!;
    assert.equal(record.timeline.length, TIMELINE_HEAD + TIMELINE_TAIL);
    assert.equal(record.timelineOmitted, 502 - TIMELINE_HEAD - TIMELINE_TAIL);
    assert.equal(record.timeline[0]!.type, 'DetectionRecorded');
    assert.equal(record.timeline[1]!.type, 'IncidentOpened');
    assert.equal(record.timeline.at(-1)!.id, events.at(-1)!.id, 'the latest entry is kept');
    assert.equal(record.decisions, 500, 'the counters still count everything');
  });

  it('cuts a very long summary, so a record always fits one NATS reply', () => {
    const web = incidentOn('web', 'verbose');
    const detection = createEvent({ ...web.detection(0), data: { ...web.detection(0).data, reason: 'x'.repeat(100_000) } });
    const record = fold([detection, web.opened(1, detection.id)], emptyIncidentBook(), limits).byId.get(web.id)!;
    assert.equal(record.timeline[0]!.summary.length, SUMMARY_MAX_CHARS);
  });

  it('drops a resolved incident once the retention has passed since it closed, judged from later event times', () => {
    const old = incidentOn('web', 'old');
    const detection = old.detection(0);
    const book = fold([detection, old.opened(1, detection.id), old.resolved(HOUR)], emptyIncidentBook(), limits);
    const later = incidentOn('db', 'later');
    const laterDetection = later.detection(HOUR + limits.closedRetentionMs - 1);
    fold([laterDetection], book, limits);
    assert.ok(book.byId.has(old.id), 'kept until the retention has passed');
    fold([later.opened(HOUR + limits.closedRetentionMs, laterDetection.id)], book, limits);
    assert.equal(book.byId.has(old.id), false, 'dropped once it has');
    assert.equal(book.closedAt.size, 0);
    assert.ok(book.byId.has(later.id));
  });

  it('never drops an open or escalated incident, however old', () => {
    const web = incidentOn('web', 'stuck');
    const detection = web.detection(0);
    const book = fold([detection, web.opened(1, detection.id), web.escalated(2)], emptyIncidentBook(), limits);
    const other = incidentOn('db', 'much-later');
    fold([other.detection(100 * limits.closedRetentionMs)], book, limits);
    assert.equal(openIncidentFor(book, web.key, 'container_state')?.status, 'escalated');
  });

  it('keeps at most maxEarlyDetections detections waiting for their incident, and never stop detections', () => {
    const book = emptyIncidentBook();
    for (let i = 0; i < 10; i++) fold([incidentOn(`c${i}`, `orphan-${i}`).detection(i)], book, limits);
    assert.equal(book.earlyDetections.size, limits.maxEarlyDetections);
    assert.ok(book.earlyDetections.has(incidentOn('c9', 'orphan-9').id), 'the newest are kept');
    const stop = createEvent({ ...incidentOn('x', 'stop').detection(20), data: { ...incidentOn('x', 'stop').detection(20).data, status: 'stopped' } });
    fold([stop], book, limits);
    assert.equal(book.earlyDetections.has(stop.correlationId), false);
  });
});

describe('evolveIncidents: does the incident await a decision?', () => {
  it('awaits one when opened or re-detected, not after needs_approval or execute, again after a denial or a refused action', () => {
    const web = incidentOn('web', 'awaits');
    const detection = web.detection(0);
    const book = fold([detection, web.opened(1, detection.id)]);
    const record = () => book.byId.get(web.id)!;
    assert.equal(record().awaitsDecision, true);
    assert.deepEqual(record().lastCondition, { check: 'container_state', status: 'failed', reason: 'exited: exited with code 137', faultAt: iso(0) });
    fold([web.decided(2, 'needs_approval')], book);
    assert.equal(record().awaitsDecision, false);
    fold([web.detection(30_000, 0)], book);
    assert.equal(record().awaitsDecision, true);
    fold([web.decided(30_001, 'denied')], book);
    assert.equal(record().awaitsDecision, true, 'a denial (rate limit) is retried later');
    const decision = web.decided(60_000, 'execute');
    fold([decision], book);
    assert.equal(record().awaitsDecision, false);
    fold([createEvent({ ...web.started(60_001, decision.id), id: derivedId('refused'), type: 'ActionRefused', source: 'executor', data: { target: decision.data.target, decisionId: decision.id, action: 'restart_container', refusal: 'decision_stale', reason: 'too old' } })], book);
    assert.equal(record().awaitsDecision, true);
    assert.equal(record().pendingDecisionId, null);
  });
});
