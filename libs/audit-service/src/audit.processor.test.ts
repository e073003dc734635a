import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { containerTarget, createEvent, derivedId, type JarvisEvent } from '@jarvis/contracts';
import { decodeSnapshot, encodeSnapshot } from '@jarvis/event-log';
import { DEFAULT_INCIDENT_BOOK_LIMITS, incidentMetrics, reliabilityReport } from '@jarvis/incidents';
import { AuditProcessor, type AuditState } from './audit.processor.js';

const T0 = Date.parse('2026-10-01T00:00:00.000Z');
const ESTIMATES = { minutesByAction: new Map([['restart_container', 15]]), defaultMinutes: 10 };
const CHECKS = ['container_state', 'http_health', 'disk_usage'];
const ACTIONS = ['restart_container', 'restart_serving_container', 'clean_tmp_files'];

/** A small deterministic generator (mulberry32): the same seed gives the same "random" run. */
function randomFrom(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Cases of every shape (fixed alone, after an approval, failed then fixed, escalated, recovered, withdrawn, merged
 * into another's as its consequence) over 40 days, interleaved.
 */
function randomRun(seed: number, cases: number): JarvisEvent[] {
  const random = randomFrom(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  const events: { atMs: number; event: JarvisEvent }[] = [];
  for (let c = 0; c < cases; c++) {
    const name = `svc-${Math.floor(random() * 8)}`;
    const target = containerTarget(name);
    const correlationId = derivedId('case', String(seed), String(c));
    let atMs = T0 + Math.floor(random() * 40 * 86_400_000);
    const add = (spec: Omit<Parameters<typeof createEvent>[0], 'id' | 'time' | 'subject' | 'correlationId' | 'causationId'>) => {
      atMs += 1 + Math.floor(random() * 30_000);
      const event = createEvent({ ...spec, id: derivedId(correlationId, String(events.length)), time: new Date(atMs).toISOString(), subject: `container:${name}`, correlationId, causationId: null } as Parameters<typeof createEvent>[0]);
      events.push({ atMs, event });
    };
    const check = pick(CHECKS);
    add({ type: 'IncidentOpened', source: 'monitor', data: { target, check, detectionId: derivedId(correlationId, 'd'), faultAt: new Date(atMs - Math.floor(random() * 5000)).toISOString(), summary: 'down' } });
    if (random() < 0.2) add({ type: 'ApprovalGranted', source: 'gateway', data: { target, requestId: derivedId(correlationId, 'r'), digest: 'x', by: 'ann' } });
    const attempts = 1 + Math.floor(random() * 3);
    for (let a = 0; a < attempts; a++) {
      const action = pick(ACTIONS);
      if (random() < 0.25) add({ type: 'ActionFailed', source: 'executor', data: { target, decisionId: derivedId(correlationId, 'x', String(a)), action, error: 'no', durationMs: 100 } });
      else add({ type: 'ActionSucceeded', source: 'executor', data: { target, decisionId: derivedId(correlationId, 'x', String(a)), action, result: 'ok', details: {}, durationMs: 100 } });
    }
    const ending = random();
    if (ending < 0.15) add({ type: 'IncidentEscalated', source: 'policy', data: { target, rule: 'circuit_breaker', reason: 'too many', attempts } });
    if (ending < 0.05 || ending > 0.15) {
      if (ending > 0.95) add({ type: 'IncidentResolved', source: 'monitor', data: { target, resolution: 'merged', reason: 'a consequence', mergedInto: derivedId('root', correlationId) } });
      else add({ type: 'IncidentResolved', source: 'monitor', data: { target, resolution: ending > 0.9 ? 'withdrawn' : ending > 0.8 ? 'recovered' : 'remediated', reason: 'fine' } });
    }
  }
  return events.sort((x, y) => x.atMs - y.atMs).map((e) => e.event);
}

const processor = new AuditProcessor({ closedRetentionMs: 7 * 86_400_000, maxEarlyDetections: DEFAULT_INCIDENT_BOOK_LIMITS.maxEarlyDetections });

/** What a restarted audit service goes on from: the state through its snapshot's encoding. */
function restarted(state: AuditState, seq: number): AuditState {
  const snapshot = decodeSnapshot<AuditState>(encodeSnapshot({ processor: processor.name, stateVersion: processor.stateVersion, stream: 's', seq, ahead: [], state }));
  return snapshot.state;
}

function figures(state: AuditState, now: Date) {
  return { reliability: reliabilityReport(state.reliability, now, ESTIMATES), incidents: incidentMetrics([...state.incidents.byId.values()]) };
}

describe('the audit projections rebuilt from zero equal the live ones', () => {
  for (const seed of [1, 7, 42]) {
    it(`after a randomized run of 400 cases, with restarts from snapshots every 97 events (seed ${seed})`, () => {
      const events = randomRun(seed, 400);
      let live = processor.initialState();
      events.forEach((event, i) => {
        live = processor.evolve(live, event);
        if (i % 97 === 96) live = restarted(live, i + 1);
      });
      const replayed = events.reduce((state, event) => processor.evolve(state, event), processor.initialState());
      const now = new Date(T0 + 41 * 86_400_000);
      assert.deepEqual(figures(live, now), figures(replayed, now));
      const report = figures(replayed, now).reliability;
      const merged = events.filter((e) => e.type === 'IncidentResolved' && e.data.resolution === 'merged').length;
      assert.ok(merged > 0, 'some cases were merged into another');
      assert.equal(report.incidents.detected, 400 - merged, 'every case was counted, a merged one with its root only');
      assert.equal(report.mttd.all.samples, 400 - merged, 'a merged case takes back its MTTD sample: its detection was its root');
      assert.ok(report.actionsExecuted.last30d > 0);
      assert.ok(report.autonomousFixRate !== null && report.autonomousFixRate > 0 && report.autonomousFixRate < 1, String(report.autonomousFixRate));
    });
  }
});
