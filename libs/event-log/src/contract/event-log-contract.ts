import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { encodeEvent, EVENT_CATALOG, newId, subjectOf } from '@jarvis/contracts';
import { extractContext, startTelemetry } from '@jarvis/telemetry';
import { InvalidEventError, NotRightAfter, type EventLog } from '../event-log.js';
import { idOf, quietFor, readAll, Recorder, sampleEvent } from './deliveries.js';
import { restartedProcessorEmitsOnce } from './processor-restart.js';

/** One adapter's log on an empty store, as the contract suite uses it. */
export type EventLogUnderTest = {
  log: EventLog;
  /**
   * Stores bytes on a subject past append's validation, as a foreign writer or a newer build of Jarvis would. Leave
   * it out when the adapter's store cannot hold such a message (the memory log stores only what it validated).
   */
  storeForeign?(subject: string, bytes: Uint8Array): Promise<void>;
  /** Releases what the factory took (connections, streams); the store may be dropped. */
  close(): Promise<void>;
};

export type EventLogContractSettings = {
  /** The adapter must offer a delivery again once it has been unsettled (without inProgress()) this long. */
  ackWaitMs: number;
};

/** Opens a log on a store holding nothing, not even durables: each contract test opens its own. */
export type EventLogFactory = (settings: EventLogContractSettings) => Promise<EventLogUnderTest>;

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

/**
 * The semantics every EventLog adapter must have, as one node:test suite: call it from the adapter's test file with
 * a factory that opens the adapter on an empty store (a fresh stream, a fresh namespace). A shorter ack wait makes
 * the suite faster where the adapter allows it.
 */
export function describeEventLogContract(adapter: string, open: EventLogFactory, settings: EventLogContractSettings = { ackWaitMs: 1_000 }): void {
  /** Long enough for any redelivery the ack wait would cause to arrive. */
  const BEYOND_ACK_WAIT_MS = settings.ackWaitMs * 2;
  const withLog = async (test: (subject: EventLogUnderTest) => Promise<void>): Promise<void> => {
    const subject = await open(settings);
    try {
      await test(subject);
    } finally {
      await subject.close();
    }
  };

  describe(`EventLog contract: ${adapter}`, { timeout: 120_000 }, () => {
    before(() => {
      // Only to install the W3C propagator; without an OTEL endpoint nothing is exported.
      startTelemetry('event-log-contract', {});
    });

    describe('appending and reading', () => {
      it('numbers appends from 1 in order and reads them back as they were appended', () =>
        withLog(async ({ log }) => {
          assert.equal((await log.position()).lastSeq, 0, 'an empty store');
          const events = [sampleEvent('a'), sampleEvent('b'), sampleEvent('c')];
          const results = [];
          for (const event of events) results.push(await log.append(event));
          assert.deepEqual(results, [1, 2, 3].map((seq) => ({ seq, duplicate: false })));
          assert.equal((await log.position()).lastSeq, 3);
          const read = await readAll(log);
          assert.deepEqual(read.map((s) => s.seq), [1, 2, 3]);
          assert.deepEqual(JSON.parse(JSON.stringify(read.map((s) => s.event))), JSON.parse(JSON.stringify(events)));
          assert.deepEqual((await readAll(log, 2)).map((s) => s.seq), [2, 3], 'from a sequence on');
          assert.deepEqual(await readAll(log, 4), [], 'past the end: nothing, and it ends');
        }));

      it('stores an event id once within the duplicate window, answering with the first sequence', () =>
        withLog(async ({ log }) => {
          const event = sampleEvent('once');
          const next = sampleEvent('next');
          assert.deepEqual(await log.append(event), { seq: 1, duplicate: false });
          assert.deepEqual(await log.append(event), { seq: 1, duplicate: true });
          assert.deepEqual(await log.append(next), { seq: 2, duplicate: false });
          assert.deepEqual((await readAll(log)).map((s) => s.event.id), [event.id, next.id]);
        }));

      it('stores an event appended right after the last stored one next, or refuses it when the store cannot tell', () =>
        withLog(async ({ log }) => {
          const first = sampleEvent('first');
          const second = sampleEvent('second');
          await log.append(first);
          const stored = await log.append(second, undefined, { rightAfter: first.id }).catch((error: unknown) => {
            assert.ok(error instanceof NotRightAfter, `refused as not right after, not by ${String(error)}`);
            return undefined;
          });
          if (stored) assert.deepEqual(stored, { seq: 2, duplicate: false });
          assert.deepEqual((await readAll(log)).map((s) => s.event.id), stored ? [first.id, second.id] : [first.id]);
        }));

      it('refuses an event to be stored right after one that is not the last stored, and stores nothing', () =>
        withLog(async ({ log }) => {
          const first = sampleEvent('first');
          const between = sampleEvent('between');
          const follower = sampleEvent('follower');
          await log.append(first);
          await log.append(between);
          await assert.rejects(log.append(follower, undefined, { rightAfter: first.id }), (error: unknown) => error instanceof NotRightAfter && error.message.includes(first.id));
          await assert.rejects(log.append(follower, undefined, { rightAfter: newId() }), NotRightAfter, 'an id never stored');
          assert.deepEqual((await readAll(log)).map((s) => s.event.id), [first.id, between.id]);
        }));

      it('refuses an invalid event, naming the field, and stores nothing', () =>
        withLog(async ({ log }) => {
          const invalid = { ...sampleEvent('bad'), time: 'yesterday' };
          await assert.rejects(log.append(invalid), (error: unknown) => error instanceof InvalidEventError && error.problems.some((p) => p.startsWith('time')));
          assert.equal((await log.position()).lastSeq, 0);
        }));

      it('keeps the trace context with the event, for readers and subscribers', () =>
        withLog(async ({ log }) => {
          const parent = extractContext({ get: (key) => (key === 'traceparent' ? TRACEPARENT : undefined), set: () => undefined });
          await log.append(sampleEvent('traced'), parent);
          const [stored] = await readAll(log);
          assert.equal(stored?.headers?.get('traceparent'), TRACEPARENT);
          const recorder = await new Recorder().subscribe(log, 'traced');
          const [delivery] = await recorder.received(1, 'the traced event');
          await recorder.stop();
          assert.ok(delivery!.decoded.ok);
          assert.equal(delivery!.decoded.stored.headers?.get('traceparent'), TRACEPARENT);
        }));

      it('names the same stream in every position, as appends move its last sequence', () =>
        withLog(async ({ log }) => {
          const first = await log.position();
          await log.append(sampleEvent('moves'));
          const second = await log.position();
          assert.ok(first.createdAt.length > 0);
          assert.deepEqual([second.createdAt, second.lastSeq], [first.createdAt, 1]);
        }));
    });

    describe('durable subscriptions', () => {
      it('hands a new durable every stored event in order, then each new append, as first deliveries', () =>
        withLog(async ({ log }) => {
          const events = [sampleEvent('one'), sampleEvent('two')];
          for (const event of events) await log.append(event);
          const recorder = await new Recorder().subscribe(log, 'in-order');
          await recorder.received(2, 'the stored events');
          const later = sampleEvent('three');
          await log.append(later);
          const deliveries = await recorder.received(3, 'the new append');
          await recorder.stop();
          assert.deepEqual(recorder.seqs(), [1, 2, 3]);
          assert.deepEqual(deliveries.map(idOf), [...events, later].map((e) => e.id));
          assert.deepEqual(deliveries.map((d) => d.redeliveries), [0, 0, 0]);
        }));

      it('resumes a durable after its last settled delivery', () =>
        withLog(async ({ log }) => {
          for (const label of ['r1', 'r2']) await log.append(sampleEvent(label));
          const first = await new Recorder().subscribe(log, 'resume');
          await first.received(2, 'the stored events');
          await first.stop();
          await log.append(sampleEvent('r3'));
          const second = await new Recorder().subscribe(log, 'resume');
          await second.received(1, 'the event appended while stopped');
          await quietFor(BEYOND_ACK_WAIT_MS);
          await second.stop();
          assert.deepEqual(second.seqs(), [3]);
        }));

      it('keeps durables apart: each gets every event and settles its own', () =>
        withLog(async ({ log }) => {
          await log.append(sampleEvent('shared'));
          const retrying = await new Recorder((_d, nth) => (nth === 1 ? { kind: 'retry', afterMs: 50 } : { kind: 'done' })).subscribe(log, 'left');
          const settling = await new Recorder().subscribe(log, 'right');
          await retrying.received(2, 'the retried delivery on its durable');
          await settling.received(1, 'the delivery on the other durable');
          await quietFor(BEYOND_ACK_WAIT_MS);
          await Promise.all([retrying.stop(), settling.stop()]);
          assert.deepEqual([retrying.seqs(), settling.seqs()], [[1, 1], [1]]);
        }));
    });

    describe('settling deliveries', () => {
      it('offers a retried delivery again, counting the redelivery', () =>
        withLog(async ({ log }) => {
          await log.append(sampleEvent('retried'));
          const recorder = await new Recorder((_d, nth) => (nth === 1 ? { kind: 'retry', afterMs: 100 } : { kind: 'done' })).subscribe(log, 'retry');
          const deliveries = await recorder.received(2, 'the redelivery');
          await recorder.stop();
          assert.deepEqual(deliveries.map((d) => [d.seq, d.redeliveries]), [[1, 0], [1, 1]]);
        }));

      it('offers a delivery left unsettled again after the ack wait', () =>
        withLog(async ({ log }) => {
          await log.append(sampleEvent('forgotten'));
          const recorder = await new Recorder((_d, nth) => (nth === 1 ? undefined : { kind: 'done' })).subscribe(log, 'ack-wait');
          const deliveries = await recorder.received(2, 'the redelivery after the ack wait');
          await recorder.stop();
          assert.deepEqual(deliveries.map((d) => [d.seq, d.redeliveries]), [[1, 0], [1, 1]]);
        }));

      it('holds a delivery past the ack wait while the subscriber reports progress', () =>
        withLog(async ({ log }) => {
          await log.append(sampleEvent('long-work'));
          const recorder = await new Recorder(() => undefined).subscribe(log, 'progress');
          const [delivery] = await recorder.received(1, 'the delivery');
          const heartbeat = setInterval(() => delivery!.inProgress(), settings.ackWaitMs / 4);
          await quietFor(settings.ackWaitMs * 2.5);
          clearInterval(heartbeat);
          delivery!.settle({ kind: 'done' });
          await quietFor(BEYOND_ACK_WAIT_MS);
          await recorder.stop();
          assert.deepEqual(recorder.seqs(), [1]);
        }));

      it('never offers a rejected delivery again, and goes on with the next', () =>
        withLog(async ({ log }) => {
          await log.append(sampleEvent('poison'));
          await log.append(sampleEvent('fine'));
          const recorder = await new Recorder((d) => (d.seq === 1 ? { kind: 'reject', reason: 'unreadable' } : { kind: 'done' })).subscribe(log, 'reject');
          await recorder.received(2, 'both events');
          await quietFor(BEYOND_ACK_WAIT_MS);
          await recorder.stop();
          assert.deepEqual(recorder.seqs(), [1, 2]);
        }));

      it('takes the first settlement of a delivery and ignores later ones', () =>
        withLog(async ({ log }) => {
          await log.append(sampleEvent('settled-twice'));
          const recorder = await new Recorder((d) => {
            d.settle({ kind: 'done' });
            return { kind: 'retry', afterMs: 10 };
          }).subscribe(log, 'twice');
          await recorder.received(1, 'the delivery');
          await quietFor(BEYOND_ACK_WAIT_MS);
          await recorder.stop();
          assert.deepEqual(recorder.seqs(), [1]);
        }));

      it('takes a settlement made after the subscription stopped (work finishing during a stop)', () =>
        withLog(async ({ log }) => {
          await log.append(sampleEvent('finishing'));
          const first = await new Recorder(() => undefined).subscribe(log, 'late');
          const [delivery] = await first.received(1, 'the delivery');
          await first.stop();
          delivery!.settle({ kind: 'done' });
          await log.append(sampleEvent('after-stop'));
          const second = await new Recorder().subscribe(log, 'late');
          await second.received(1, 'the next event');
          await quietFor(BEYOND_ACK_WAIT_MS);
          await second.stop();
          assert.deepEqual(second.seqs(), [2]);
        }));
    });

    describe('messages a foreign or newer writer stored', () => {
      it('delivers what is not a valid event as undecodable, naming the problem, and readFrom skips it', (t) =>
        withLog(async ({ log, storeForeign }) => {
          if (!storeForeign) return t.skip(`${adapter} stores only events it validated`);
          await storeForeign(subjectOf('DetectionRecorded'), new TextEncoder().encode('{"type":"DetectionRecorded"}'));
          await storeForeign(subjectOf('IncidentOpened'), encodeEvent(sampleEvent('misrouted')));
          const valid = sampleEvent('valid');
          await log.append(valid);
          const recorder = await new Recorder().subscribe(log, 'foreign');
          const [garbage, misrouted, good] = await recorder.received(3, 'all three messages');
          await recorder.stop();
          assert.ok(!garbage!.decoded.ok && garbage!.decoded.errors.length > 0 && garbage!.decoded.newer === undefined);
          assert.ok(!misrouted!.decoded.ok && misrouted!.decoded.errors.some((e) => e.includes(subjectOf('IncidentOpened'))));
          assert.equal(idOf(good!), valid.id);
          assert.deepEqual((await readAll(log)).map((s) => s.seq), [3]);
        }));

      it('marks a message of a newer schema version as one to leave for a newer build', (t) =>
        withLog(async ({ log, storeForeign }) => {
          if (!storeForeign) return t.skip(`${adapter} stores only events it validated`);
          const future = { ...JSON.parse(JSON.stringify(sampleEvent('future'))), version: 99 };
          await storeForeign(subjectOf('DetectionRecorded'), new TextEncoder().encode(JSON.stringify(future)));
          const recorder = await new Recorder((d) => ({ kind: 'reject', reason: `seq ${d.seq}` })).subscribe(log, 'newer');
          const [delivery] = await recorder.received(1, 'the newer message');
          await recorder.stop();
          assert.ok(!delivery!.decoded.ok);
          assert.deepEqual(delivery!.decoded.newer, { type: 'DetectionRecorded', version: 99, known: EVENT_CATALOG.DetectionRecorded.version });
        }));
    });

    describe('under the event processor runner', () => {
      it('a processor stopped mid-way and restarted emits each output exactly once', () =>
        withLog(async ({ log }) => {
          await restartedProcessorEmitsOnce(log);
        }));
    });
  });
}
