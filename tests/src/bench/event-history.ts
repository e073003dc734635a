import { jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { containerTarget, createEvent, derivedId, encodeEvent, subjectOf, validateEvent, type JarvisEvent } from '@jarvis/contracts';

/** A log's worth of history: mostly closed incidents of many containers, long ago, plus a few still escalated. */
export type HistoryPlan = { events: number; containers: number; openIncidents: number; startMs: number };

const CLOSED_INCIDENT_EVENTS = 7;
const STEP_MS = 250;

type Ids = { incident: string; detection: string; decision: string };

function idsFor(index: number, seed: string): Ids {
  return {
    incident: derivedId('bench-incident', seed, String(index)),
    detection: derivedId('bench-detection', seed, String(index)),
    decision: derivedId('bench-decision', seed, String(index)),
  };
}

function base(ids: Ids, container: string, atMs: number) {
  return { subject: `container:${container}`, correlationId: ids.incident, time: new Date(atMs).toISOString() };
}

/** Detection, opening and decision: how every incident starts. */
function opening(ids: Ids, container: string, atMs: number, outcome: 'execute' | 'denied'): JarvisEvent[] {
  const target = containerTarget(container);
  const at = (step: number) => base(ids, container, atMs + step * STEP_MS);
  const faultAt = new Date(atMs).toISOString();
  return [
    createEvent({ ...at(0), id: ids.detection, type: 'DetectionRecorded', source: 'monitor', causationId: null, data: { target, check: 'container_state', status: 'failed', reason: 'exited with code 137', faultAt } }),
    createEvent({ ...at(1), id: derivedId('IncidentOpened', ids.detection), type: 'IncidentOpened', source: 'monitor', causationId: ids.detection, data: { target, check: 'container_state', detectionId: ids.detection, faultAt, summary: 'exited with code 137' } }),
    createEvent({
      ...at(2),
      id: ids.decision,
      type: 'RemediationDecided',
      source: 'policy',
      causationId: ids.detection,
      data: { target, outcome, action: 'restart_container', params: {}, risk: 'low', rule: outcome === 'execute' ? 'auto_restart' : 'breaker_open', reason: 'bench history', attempt: 1, notBefore: new Date(atMs + 2 * STEP_MS).toISOString() },
    }),
  ];
}

function closedIncident(ids: Ids, container: string, atMs: number): JarvisEvent[] {
  const target = containerTarget(container);
  const at = (step: number) => base(ids, container, atMs + step * STEP_MS);
  const action = { target, decisionId: ids.decision, action: 'restart_container' };
  return [
    ...opening(ids, container, atMs, 'execute'),
    createEvent({ ...at(3), id: derivedId('ActionStarted', ids.decision), type: 'ActionStarted', source: 'executor', causationId: ids.decision, data: { ...action, attempt: 1, params: {} } }),
    createEvent({ ...at(4), id: derivedId('ActionSucceeded', ids.decision), type: 'ActionSucceeded', source: 'executor', causationId: ids.decision, data: { ...action, result: 'restarted', details: {}, durationMs: 300 } }),
    createEvent({ ...at(5), id: derivedId('VerificationPassed', ids.decision), type: 'VerificationPassed', source: 'monitor', causationId: ids.decision, data: { target, decisionId: ids.decision, evidence: 'running for 1 s' } }),
    createEvent({ ...at(6), id: derivedId('IncidentResolved', ids.incident), type: 'IncidentResolved', source: 'monitor', causationId: ids.decision, data: { target, resolution: 'remediated', reason: 'verified' } }),
  ];
}

function escalatedIncident(ids: Ids, container: string, atMs: number): JarvisEvent[] {
  const at = base(ids, container, atMs + 3 * STEP_MS);
  return [
    ...opening(ids, container, atMs, 'denied'),
    createEvent({ ...at, id: derivedId('IncidentEscalated', ids.decision), type: 'IncidentEscalated', source: 'policy', causationId: ids.decision, data: { target: containerTarget(container), rule: 'breaker_open', reason: 'bench history', attempts: 5 } }),
  ];
}

/** The history in order, generated lazily (a million events are never all in memory at once). */
export function* history(plan: HistoryPlan, seed: string): Generator<JarvisEvent> {
  const closed = Math.max(0, Math.floor((plan.events - plan.openIncidents * 4) / CLOSED_INCIDENT_EVENTS));
  const spacingMs = 60_000;
  for (let i = 0; i < closed; i++) yield* closedIncident(idsFor(i, seed), `app-${i % plan.containers}`, plan.startMs + i * spacingMs);
  for (let j = 0; j < plan.openIncidents; j++) {
    yield* escalatedIncident(idsFor(closed + j, seed), `stuck-${j}`, plan.startMs + (closed + j) * spacingMs);
  }
}

/** Every kind of event the history holds, checked against the contracts once, so the bench never stores garbage. */
export function assertHistoryValid(seed: string): void {
  const sample = [...closedIncident(idsFor(0, seed), 'app-0', Date.UTC(2026, 0, 1)), ...escalatedIncident(idsFor(1, seed), 'stuck-0', Date.UTC(2026, 0, 1))];
  for (const event of sample) {
    const checked = validateEvent(JSON.parse(JSON.stringify(event)));
    if (!checked.ok) throw new Error(`bench history: invalid ${event.type}: ${checked.errors.join('; ')}`);
  }
}

/** Publishes with up to `inFlight` acks outstanding (about 18k events/s here instead of 4k awaiting each). */
export async function publishHistory(nc: NatsConnection, events: Iterable<JarvisEvent>, inFlight = 256): Promise<number> {
  const js = jetstream(nc);
  let pending: Promise<unknown>[] = [];
  let count = 0;
  for (const event of events) {
    pending.push(js.publish(subjectOf(event.type), encodeEvent(event), { timeout: 30_000 }));
    count += 1;
    if (pending.length >= inFlight) {
      await Promise.all(pending);
      pending = [];
    }
  }
  await Promise.all(pending);
  return count;
}
