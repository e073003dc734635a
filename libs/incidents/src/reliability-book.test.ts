import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { containerTarget, createEvent, derivedId, type JarvisEvent } from '@jarvis/contracts';
import { emptyReliabilityBook, evolveReliability, RECENT_ACTIONS_MS, RECENT_ACTIONS_PRUNE_BATCH, RELIABILITY_SAMPLE_LIMIT } from './reliability-book.js';
import { reliabilityReport, type TimeSavedEstimates } from './reliability-report.js';

const T0 = Date.parse('2026-11-01T00:00:00.000Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();
const target = containerTarget('web');
const ESTIMATES: TimeSavedEstimates = { minutesByAction: new Map([['restart_container', 15]]), defaultMinutes: 10 };

/** The events of one case on container:web, times in seconds after T0. */
function caseOf(label: string) {
  const correlationId = derivedId('case', label);
  const base = (type: string, s: number) => ({ id: derivedId(label, type, String(s)), time: at(s), subject: 'container:web', correlationId, causationId: null });
  return {
    opened: (s: number, faultS = s, check = 'container_state') =>
      createEvent({ ...base('IncidentOpened', s), type: 'IncidentOpened', source: 'monitor', data: { target, check, detectionId: derivedId(label, 'd'), faultAt: at(faultS), summary: 'down' } }),
    granted: (s: number) => createEvent({ ...base('ApprovalGranted', s), type: 'ApprovalGranted', source: 'gateway', data: { target, requestId: derivedId(label, 'r'), digest: 'd', by: 'ann' } }),
    succeeded: (s: number, action = 'restart_container') =>
      createEvent({ ...base(`ActionSucceeded-${action}`, s), type: 'ActionSucceeded', source: 'executor', data: { target, decisionId: derivedId(label, 'x'), action, result: 'ok', details: {}, durationMs: 500 } }),
    failed: (s: number, action = 'restart_container') =>
      createEvent({ ...base(`ActionFailed-${action}`, s), type: 'ActionFailed', source: 'executor', data: { target, decisionId: derivedId(label, 'x'), action, error: 'no', durationMs: 500 } }),
    escalated: (s: number) => createEvent({ ...base('IncidentEscalated', s), type: 'IncidentEscalated', source: 'policy', data: { target, rule: 'circuit_breaker', reason: 'too many', attempts: 5 } }),
    resolved: (s: number, resolution: 'remediated' | 'recovered' | 'withdrawn' = 'remediated') =>
      createEvent({ ...base('IncidentResolved', s), type: 'IncidentResolved', source: 'monitor', data: { target, resolution, reason: 'fine' } }),
    merged: (s: number, into: string) =>
      createEvent({ ...base('IncidentResolved', s), type: 'IncidentResolved', source: 'monitor', data: { target, resolution: 'merged', reason: 'a consequence', mergedInto: into } }),
  };
}

function fold(events: JarvisEvent[]) {
  return events.reduce(evolveReliability, emptyReliabilityBook());
}

describe('reliability figures', () => {
  it('counts a fix as autonomous only when no person answered an approval and nothing escalated', () => {
    const alone = caseOf('alone');
    const approved = caseOf('approved');
    const stuck = caseOf('stuck');
    const gone = caseOf('gone');
    const book = fold([
      alone.opened(10, 9), alone.succeeded(11), alone.resolved(13),
      approved.opened(20, 18), approved.granted(60), approved.succeeded(61), approved.resolved(63),
      stuck.opened(30), stuck.failed(31), stuck.escalated(40),
      gone.opened(50), gone.resolved(55, 'withdrawn'),
    ]);
    const report = reliabilityReport(book, new Date(T0 + 100_000), ESTIMATES);
    assert.deepEqual(report.incidents, { detected: 4, open: 1, remediated: 2, remediatedWithoutPerson: 1, recovered: 0, withdrawn: 1, escalated: 1 });
    assert.equal(report.autonomousFixRate, 1 / 3);
    assert.deepEqual(report.mttd.byCheck['container_state'], { samples: 4, p50Ms: 0, p95Ms: 2000 });
    assert.deepEqual(report.mttr.byActionType['restart_container'], { samples: 2, p50Ms: 4000, p95Ms: 45_000 });
    assert.deepEqual(report.actionTypes['restart_container'], { succeeded: 2, failed: 1, successRate: 2 / 3, minutesSavedEach: 15, minutesSaved: 30 });
    assert.equal(report.minutesSaved, 30);
  });

  it('given a symptom detected first and merged into its root, then MTTD has the root\'s sample only and one incident is detected', () => {
    const symptom = caseOf('symptom');
    const root = caseOf('root');
    const book = fold([symptom.opened(10, 5, 'tls_certificate'), root.opened(30, 29, 'ddclient_update'), symptom.merged(31, derivedId('case', 'root'))]);
    const report = reliabilityReport(book, new Date(T0 + 100_000), ESTIMATES);
    assert.equal(report.incidents.detected, 1);
    assert.deepEqual(report.mttd.byCheck, { ddclient_update: { samples: 1, p50Ms: 1000, p95Ms: 1000 } });
    assert.deepEqual(report.mttd.all, { samples: 1, p50Ms: 1000, p95Ms: 1000 });
  });

  it('given a merged symptom whose check has other samples, then only its own sample is taken back', () => {
    const earlier = caseOf('earlier');
    const symptom = caseOf('symptom');
    const book = fold([earlier.opened(10, 8, 'tls_certificate'), earlier.resolved(12), symptom.opened(20, 13, 'tls_certificate'), symptom.merged(31, derivedId('case', 'root'))]);
    assert.deepEqual(book.mttdMsByCheck.get('tls_certificate'), [2000]);
  });

  it('counts executed actions in the last 24 h, 7 d and 30 d before the time asked, forgetting older ones', () => {
    const events: JarvisEvent[] = [];
    for (const [i, ageDays] of [40, 20, 3, 0.5].entries()) events.push(caseOf(`c${i}`).succeeded((41 - ageDays) * 86_400, 'cleanup_old_logs'));
    const book = fold(events);
    const now = new Date(T0 + 41 * 86_400_000);
    const report = reliabilityReport(book, now, ESTIMATES);
    assert.deepEqual(report.actionsExecuted, { last24h: 1, last7d: 2, last30d: 3 });
    assert.equal(report.actionTypes['cleanup_old_logs']!.minutesSavedEach, 10, 'the default estimate');
  });

  it('forgets actions older than 30 days in batches, so memory stays bounded and the counts stay exact', () => {
    const book = emptyReliabilityBook();
    const everyS = 600;
    const actions = 20_000;
    for (let i = 0; i < actions; i++) evolveReliability(book, caseOf(`a${i}`).succeeded(i * everyS));
    const inWindow = RECENT_ACTIONS_MS / 1000 / everyS;
    assert.ok(book.recentActions.length <= inWindow + RECENT_ACTIONS_PRUNE_BATCH, `${book.recentActions.length} kept`);
    assert.ok(book.recentActions.length < actions / 2, 'old ones were dropped');
    const now = new Date(T0 + (actions - 1) * everyS * 1000);
    assert.deepEqual(reliabilityReport(book, now, ESTIMATES).actionsExecuted, { last24h: 86_400 / everyS + 1, last7d: (7 * 86_400) / everyS + 1, last30d: inWindow + 1 });
  });

  it('keeps the latest samples only, so memory stays bounded however long Jarvis runs', () => {
    const events: JarvisEvent[] = [];
    for (let i = 0; i < RELIABILITY_SAMPLE_LIMIT + 5; i++) {
      const c = caseOf(`n${i}`);
      events.push(c.opened(i * 10 + 1, i * 10), c.succeeded(i * 10 + 2), c.resolved(i * 10 + 3));
    }
    const book = fold(events);
    assert.equal(book.mttdMsByCheck.get('container_state')!.length, RELIABILITY_SAMPLE_LIMIT);
    assert.equal(book.open.size, 0);
    assert.equal(reliabilityReport(book, new Date(T0), ESTIMATES).incidents.detected, RELIABILITY_SAMPLE_LIMIT + 5);
  });

  it('ignores a repeated opening and a resolution of a case it never saw opened', () => {
    const c = caseOf('twice');
    const book = fold([c.opened(1), c.opened(1), caseOf('unknown').resolved(2)]);
    assert.equal(book.cases.detected, 1);
    assert.equal(book.cases.remediated, 0);
  });
});
