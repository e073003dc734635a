import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { containerTarget, createEvent, derivedId, EVENT_STREAM_NAME, newId, subjectOf } from '@jarvis/contracts';
import {
  EventProcessorRunner,
  JetStreamEventLog,
  JetStreamSnapshotStore,
  SNAPSHOT_BUCKET,
  type EventLog,
  type EventProcessor,
  type RunnerOptions,
  type StoredEvent,
} from '@jarvis/event-log';
import { useRealEventLog } from '../support/real-event-log.js';
import { waitFor } from '../support/processes.js';
import { failedDetection } from '../support/event-fixtures.js';

type Line = { level: 'log' | 'warn' | 'error'; message: string };

function recorder(): { lines: Line[]; log(m: string): void; warn(m: string): void; error(m: string): void } {
  const lines: Line[] = [];
  return { lines, log: (m) => lines.push({ level: 'log', message: m }), warn: (m) => lines.push({ level: 'warn', message: m }), error: (m) => lines.push({ level: 'error', message: m }) };
}

/** State: the ids of every event applied, in order, so a double application shows. */
function collector(name: string, handle: EventProcessor<string[]>['handle'] = async () => undefined, extra: Partial<EventProcessor<string[]>> = {}): EventProcessor<string[]> {
  return {
    name,
    initialState: () => [],
    evolve: (ids, event) => [...ids, event.id],
    handles: (event) => event.type === 'DetectionRecorded',
    concurrencyKey: () => 'one',
    handle,
    ...extra,
  };
}

/** The real log, counting what each readFrom returned. */
class CountingLog implements EventLog {
  readonly reads: { from: number; count: number }[] = [];
  constructor(private readonly inner: JetStreamEventLog) {}
  append: EventLog['append'] = (event, parent, options) => this.inner.append(event, parent, options);
  position: EventLog['position'] = () => this.inner.position();
  subscribe: EventLog['subscribe'] = (durable, onDelivery) => this.inner.subscribe(durable, onDelivery);
  async *readFrom(fromSeq: number): AsyncIterable<StoredEvent> {
    const read = { from: fromSeq, count: 0 };
    this.reads.push(read);
    for await (const stored of this.inner.readFrom(fromSeq)) {
      read.count += 1;
      yield stored;
    }
  }
}

describe('event processor runner against a real nats-server', { timeout: 120_000 }, () => {
  const real = useRealEventLog();

  const run = async (processor: EventProcessor<string[]>, options: Partial<RunnerOptions> = {}, on: EventLog = real.log) => {
    const out = recorder();
    const runner = new EventProcessorRunner(on, processor, out, { service: 'monitor', ...options });
    await runner.start();
    return { runner, out };
  };

  it('rejects an event published on another type\'s subject, naming both, without applying it', async () => {
    const { runner, out } = await run(collector('forgery'));
    const forged = createEvent({
      id: newId(),
      type: 'RemediationDecided',
      source: 'policy',
      time: new Date().toISOString(),
      subject: 'container:web',
      correlationId: newId(),
      causationId: null,
      data: { target: containerTarget('web'), outcome: 'execute', action: 'restart_container', params: {}, risk: 'low', rule: 'auto_remediation', reason: 'forged', attempt: 1, notBefore: new Date().toISOString() },
    } as never);
    const wrong = subjectOf('DetectionRecorded');
    const ack = await jetstream(real.nc).publish(wrong, JSON.stringify(forged));
    const warning = await waitFor('the rejection', () => out.lines.find((l) => l.level === 'warn' && l.message.includes(`seq ${ack.seq}`)), 10_000);
    assert.match(warning.message, new RegExp(`RemediationDecided published on subject ${wrong.replace(/\./g, '\\.')}, belongs on ${subjectOf('RemediationDecided').replace(/\./g, '\\.')}`));
    assert.ok(!runner.currentState().includes(forged.id), 'the forged event is not in the state');
    await runner.stop();
    const info = await (await jetstreamManager(real.nc)).consumers.info(EVENT_STREAM_NAME, 'forgery');
    assert.ok(info.ack_floor.stream_seq >= ack.seq, 'it was settled (terminated), not left for redelivery');
  });

  it('escalates and drops an event after maxDeliveries failed deliveries, a hung handler counting as failed', async () => {
    const handled: number[] = [];
    const hangs = collector('exhaust', async () => {
      handled.push(Date.now());
      await new Promise(() => undefined);
    }, { handlerTimeoutMs: 100 });
    const { runner, out } = await run(hangs, { service: 'policy', maxDeliveries: 3 });
    const event = failedDetection('stuck');
    const stored = await real.log.append(event);
    const escalation = await waitFor('the escalation', async () => {
      for await (const s of real.log.readFrom(stored.seq)) if (s.event.type === 'IncidentEscalated' && s.event.causationId === event.id) return s.event;
      return undefined;
    }, 20_000, 200);
    assert.equal(escalation.id, derivedId('redelivery_exhausted', 'exhaust', event.id));
    assert.equal(escalation.source, 'policy');
    assert.equal(escalation.correlationId, event.correlationId);
    assert.ok(escalation.type === 'IncidentEscalated' && /exhaust gave up on DetectionRecorded .* after 3 failed deliveries; last error: handler timed out after 100 ms/.test(escalation.data.reason));
    await waitFor('the message to be settled', async () => (await (await jetstreamManager(real.nc)).consumers.info(EVENT_STREAM_NAME, 'exhaust')).num_ack_pending === 0, 10_000);
    assert.equal(handled.length, 3, 'three deliveries, then no more');
    assert.ok(out.lines.some((l) => l.level === 'error' && /gave up on DetectionRecorded/.test(l.message)));
    await runner.stop();
  });

  it('restarts from its snapshot and reads only the tail; a corrupt snapshot means a full replay', async () => {
    const snapshots = await JetStreamSnapshotStore.open(real.nc);
    const counting = new CountingLog(real.log);
    for (let i = 0; i < 25; i++) await real.log.append(failedDetection(`snap-${i}`));
    const first = await run(collector('snapper'), { snapshots, snapshotEveryEvents: 10 }, counting);
    await first.runner.stop();
    const full = first.runner.currentState();
    const tail = [await real.log.append(failedDetection('tail-1')), await real.log.append(failedDetection('tail-2'))];
    const second = await run(collector('snapper'), { snapshots }, counting);
    assert.deepEqual(counting.reads[1], { from: tail[0]!.seq, count: 2 }, 'only the two tail events were read');
    assert.deepEqual(second.runner.currentState(), [...full, ...(await idsAt(tail.map((t) => t.seq)))]);
    await second.runner.stop();

    const kv = await new Kvm(real.nc).open(SNAPSHOT_BUCKET);
    await kv.put('snapper', new TextEncoder().encode('{"garbage": true}'));
    const third = await run(collector('snapper'), { snapshots }, counting);
    assert.equal(counting.reads[2]!.from, 1, 'a full replay');
    assert.ok(third.out.lines.some((l) => l.level === 'warn' && /snapshot unusable .* replaying the whole log/.test(l.message)));
    assert.deepEqual(third.runner.currentState(), second.runner.currentState());
    await third.runner.stop();
  });

  it('stores a snapshot larger than one NATS message in chunks, and a smaller one after it', async () => {
    const store = await JetStreamSnapshotStore.open(real.nc);
    const large = randomBytes(Math.ceil(2.5 * (real.nc.info?.max_payload ?? 1024 * 1024)));
    await store.save('chunked', large);
    assert.deepEqual(Buffer.from((await store.load('chunked'))!), large);
    const small = randomBytes(1000);
    await store.save('chunked', small);
    assert.deepEqual(Buffer.from((await store.load('chunked'))!), small);
    assert.equal(await store.load('never-saved'), undefined);
  });

  // Last: the message it leaves pending would be offered to every later durable of this file.
  it('leaves a newer-version message unacknowledged with an ERROR naming it, and degrades health', async () => {
    const problems = new Map<string, string>();
    const health = { degrade: (c: string, r: string) => problems.set(c, r), recover: (c: string) => problems.delete(c), set: () => undefined };
    const { runner, out } = await run(collector('newer'), { health, maxDeliveries: 2 });
    const newer = { ...JSON.parse(JSON.stringify(failedDetection('next'))), version: 7, data: { future: true } };
    const ack = await jetstream(real.nc).publish(subjectOf('DetectionRecorded'), JSON.stringify(newer));
    const error = await waitFor('the ERROR', () => out.lines.find((l) => l.level === 'error' && l.message.includes(`seq ${ack.seq}`)), 10_000);
    assert.match(error.message, new RegExp(`newer: seq ${ack.seq} is DetectionRecorded at schema version 7, this build reads version 2: left unacknowledged`));
    assert.match(problems.get('event schema') ?? '', /schema version 7/);
    const info = await (await jetstreamManager(real.nc)).consumers.info(EVENT_STREAM_NAME, 'newer');
    assert.ok(info.ack_floor.stream_seq < ack.seq, 'not acknowledged, not terminated');
    assert.equal(info.num_ack_pending, 1, 'still pending for a later delivery');
    assert.ok(!out.lines.some((l) => l.level === 'warn' && l.message.includes(`rejected message seq ${ack.seq}`)), 'not rejected as invalid');
    await runner.stop();
  });

  async function idsAt(seqs: number[]): Promise<string[]> {
    const out: string[] = [];
    for await (const s of real.log.readFrom(Math.min(...seqs))) if (seqs.includes(s.seq)) out.push(s.event.id);
    return out;
  }
});
