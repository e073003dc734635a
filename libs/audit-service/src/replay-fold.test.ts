import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { containerTarget, createEvent, derivedId, encodeEvent, subjectOf, type JarvisEvent } from '@jarvis/contracts';
import { DEFAULT_INCIDENT_BOOK_LIMITS } from '@jarvis/incidents';
import { ReplayFold } from './replay-fold.js';

const NOW = new Date('2026-10-02T00:00:00.000Z');
const ESTIMATES = { minutesByAction: new Map<string, number>(), defaultMinutes: 10 };

function incident(name: string, openedAt: string, resolvedAt: string): JarvisEvent[] {
  const target = containerTarget(name);
  const correlationId = derivedId('replay-fold', name);
  const envelope = { subject: `container:${name}`, correlationId, causationId: null };
  return [
    createEvent({ ...envelope, id: derivedId(correlationId, 'o'), type: 'IncidentOpened', source: 'monitor', time: openedAt, data: { target, check: 'container_state', detectionId: derivedId(correlationId, 'd'), faultAt: openedAt, summary: 'down' } }),
    createEvent({ ...envelope, id: derivedId(correlationId, 'r'), type: 'IncidentResolved', source: 'monitor', time: resolvedAt, data: { target, resolution: 'recovered', reason: 'fine' } }),
  ];
}

describe('ReplayFold', () => {
  it('folds stored messages and skips what a live consumer skips: an event on another type\'s subject, bytes that are no event', () => {
    const fold = new ReplayFold(DEFAULT_INCIDENT_BOOK_LIMITS);
    const [opened, resolved] = incident('web', '2026-10-01T10:00:00.000Z', '2026-10-01T10:00:05.000Z');
    const [forged] = incident('db', '2026-10-01T11:00:00.000Z', '2026-10-01T11:00:05.000Z');
    fold.add(subjectOf(opened!.type), encodeEvent(opened!));
    fold.add(subjectOf('ActionStarted'), encodeEvent(forged!));
    fold.add(subjectOf('IncidentOpened'), new TextEncoder().encode('{"not":"an event"}'));
    fold.add(subjectOf(resolved!.type), encodeEvent(resolved!));
    const figures = fold.figures(NOW, ESTIMATES);
    assert.deepEqual(fold.counts, { events: 2, invalid: 2 });
    assert.equal(figures.incidents.incidents, 1);
    assert.equal(figures.incidents.resolved, 1);
    assert.equal(figures.incidents.mttrMsP50, 5_000);
  });
});
