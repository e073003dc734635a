import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { containerTarget, createEvent, derivedId, encodeEvent, subjectOf, type JarvisEvent } from '@jarvis/contracts';
import type { StoredMessage } from '@jarvis/event-log';
import { DEFAULT_INCIDENT_BOOK_LIMITS } from '@jarvis/incidents';
import { ReplayFold } from './replay-fold.js';
import { ReplayFoldThread } from './replay-fold-thread.js';

const NOW = new Date('2026-10-02T00:00:00.000Z');
const ESTIMATES = { minutesByAction: new Map([['restart_container', 4]]), defaultMinutes: 10 };

function incident(n: number): JarvisEvent[] {
  const target = containerTarget(`app-${n % 40}`);
  const correlationId = derivedId('replay-fold-thread', String(n));
  const envelope = { subject: `container:app-${n % 40}`, correlationId, causationId: null };
  const openedAt = new Date(Date.UTC(2026, 9, 1) + n * 60_000).toISOString();
  const resolvedAt = new Date(Date.UTC(2026, 9, 1) + n * 60_000 + (n % 7) * 1000 + 500).toISOString();
  return [
    createEvent({ ...envelope, id: derivedId(correlationId, 'o'), type: 'IncidentOpened', source: 'monitor', time: openedAt, data: { target, check: 'container_state', detectionId: derivedId(correlationId, 'd'), faultAt: openedAt, summary: 'down' } }),
    createEvent({ ...envelope, id: derivedId(correlationId, 'r'), type: 'IncidentResolved', source: 'monitor', time: resolvedAt, data: { target, resolution: 'recovered', reason: 'fine' } }),
  ];
}

/** 500 incidents (some left open), and a message that is no event every 97th, as a reader would hand them on. */
function storedMessages(): StoredMessage[] {
  const events = Array.from({ length: 500 }, (_, n) => incident(n)).flatMap((pair, n) => (n % 9 === 0 ? pair.slice(0, 1) : pair));
  return events.map((event, i) => ({
    seq: i + 1,
    subject: subjectOf(event.type),
    data: i % 97 === 0 ? new TextEncoder().encode('{"not":"an event"}') : encodeEvent(event),
    headers: undefined,
  }));
}

function batchesOf(messages: StoredMessage[], size: number): StoredMessage[][] {
  return Array.from({ length: Math.ceil(messages.length / size) }, (_, i) => messages.slice(i * size, (i + 1) * size));
}

describe('ReplayFoldThread', () => {
  it('gives the figures of a fold on the same thread, whatever the window, and copies what it is handed', async () => {
    const expected = new ReplayFold(DEFAULT_INCIDENT_BOOK_LIMITS);
    for (const message of storedMessages()) expected.add(message.subject, message.data);
    for (const window of [1, 8]) {
      const thread = new ReplayFoldThread(DEFAULT_INCIDENT_BOOK_LIMITS, window);
      try {
        for (const batch of batchesOf(storedMessages(), 37)) {
          await thread.add(batch);
          // The reader's buffers are its own again once a batch is handed over.
          for (const message of batch) message.data.fill(0);
        }
        assert.deepEqual(await thread.figures(NOW, ESTIMATES), expected.figures(NOW, ESTIMATES));
        assert.deepEqual(thread.counts, expected.counts);
      } finally {
        await thread.close();
      }
    }
  });

  it('takes a batch only when fewer than its window are being folded', async () => {
    const [first, second] = batchesOf(storedMessages().slice(1, 401), 200);
    const thread = new ReplayFoldThread(DEFAULT_INCIDENT_BOOK_LIMITS, 1);
    try {
      await thread.add(first!);
      assert.deepEqual(thread.counts, { events: 0, invalid: 0 });
      await thread.add(second!);
      const { events, invalid } = thread.counts;
      assert.equal(events + invalid, 200, 'the second batch waited for the first to be folded');
    } finally {
      await thread.close();
    }
  });

  it('fails whoever waits when the fold throws, instead of leaving them waiting', async () => {
    // A retention the fold cannot compute with: the first event it folds throws on the thread.
    const thread = new ReplayFoldThread({ closedRetentionMs: 1n as unknown as number, maxEarlyDetections: 256 }, 1);
    try {
      const [first, second] = batchesOf(storedMessages().slice(1, 21), 10);
      await thread.add(first!);
      await assert.rejects(thread.add(second!), /BigInt/);
      await assert.rejects(thread.figures(NOW, ESTIMATES), /BigInt/);
    } finally {
      await thread.close();
    }
  });

  it('refuses batches and figures once closed', async () => {
    const thread = new ReplayFoldThread(DEFAULT_INCIDENT_BOOK_LIMITS);
    await thread.close();
    await assert.rejects(thread.add(storedMessages().slice(0, 3)), /fold thread was closed/);
    await assert.rejects(thread.figures(NOW, ESTIMATES), /fold thread was closed/);
    await thread.close();
  });
});
