import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { containerTarget, createEvent, derivedId } from '@jarvis/contracts';
import type { ChainRecord } from './chain-link.js';
import { encodeCheckpoint, type Checkpoint } from './checkpoint.js';
import type { StoredCheckpoint } from './checkpoint-trail.js';
import { ChainVerifier, type FindingKind, type VerifyReport } from './chain-verifier.js';
import { checkpointsOf, recordedEvents, STREAM, storedCheckpoints, toRecord } from './recorded-log.test-fixture.js';

const EVENTS = 400;
const EVERY = 40;
const KEY = Buffer.from('a key the attacker does not have');

type Log = { records: ChainRecord[]; checkpoints: StoredCheckpoint[]; lastSeq: number; checkpointLastSeq: number };
type Expected = { kind: FindingKind; stream: 'events' | 'checkpoints'; seq: number };
type Mutation = { name: string; apply(log: Log, random: Random): Expected };

function verify(log: Log, options: { key?: Uint8Array; firstSeq?: number; retention?: boolean } = {}): VerifyReport {
  const verifier = new ChainVerifier({
    stream: STREAM,
    checkpoints: log.checkpoints,
    checkpointLastSeq: log.checkpointLastSeq,
    firstSeq: options.firstSeq ?? 1,
    lastSeq: log.lastSeq,
    retention: options.retention ?? false,
    ...(options.key ? { key: options.key } : {}),
  });
  for (const record of log.records) {
    if (record.seq < (options.firstSeq ?? 1)) continue;
    if (verifier.settled()) break;
    verifier.push(record);
  }
  return verifier.finish();
}

function pristine(key?: Uint8Array): Log {
  const records = recordedEvents(EVENTS, 'pristine');
  const checkpoints = storedCheckpoints(checkpointsOf(records, EVERY, key));
  return { records, checkpoints, lastSeq: EVENTS, checkpointLastSeq: checkpoints.length };
}

type Random = { int(below: number): number };

/** mulberry32: a seeded generator, so a failing mutation can be replayed. */
function seeded(seed: number): Random {
  let state = seed >>> 0;
  return {
    int(below) {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * below);
    },
  };
}

const renumber = (records: ChainRecord[]) => records.map((record, i) => ({ ...record, seq: i + 1 }));
const foreign = (i: number) =>
  toRecord(0, createEvent({ id: derivedId('forged', String(i)), type: 'IncidentOpened', source: 'monitor', time: '2026-11-02T00:00:00.000Z', subject: 'container:x', correlationId: derivedId('forged-case', String(i)), causationId: null, data: { target: containerTarget('x'), check: 'container_state', detectionId: derivedId('d', String(i)), faultAt: '2026-11-02T00:00:00.000Z', summary: 'forged' } }));

const EVENT_MUTATIONS: Mutation[] = [
  {
    name: 'modify a byte of the data',
    apply(log, random) {
      const i = random.int(log.records.length);
      const data = Buffer.from(log.records[i]!.data);
      data[random.int(data.length)] ^= 1 << random.int(8);
      log.records[i] = { ...log.records[i]!, data };
      return { kind: 'modified', stream: 'events', seq: i + 1 };
    },
  },
  {
    name: 'modify a header (msg id or subject)',
    apply(log, random) {
      const i = random.int(log.records.length);
      const record = log.records[i]!;
      log.records[i] = random.int(2) === 0 ? { ...record, msgId: derivedId('other', record.msgId) } : { ...record, subject: `${record.subject}.x` };
      return { kind: 'modified', stream: 'events', seq: i + 1 };
    },
  },
  {
    name: 'delete a message (its sequence left empty)',
    apply(log, random) {
      const i = random.int(log.records.length);
      log.records.splice(i, 1);
      return { kind: 'deleted', stream: 'events', seq: i + 1 };
    },
  },
  {
    name: 'delete a message and renumber the rest',
    apply(log, random) {
      const i = random.int(log.records.length);
      log.records.splice(i, 1);
      log.records = renumber(log.records);
      log.lastSeq = log.records.length;
      return { kind: 'deleted', stream: 'events', seq: i + 1 };
    },
  },
  {
    name: 'insert a valid event and renumber the rest',
    apply(log, random) {
      const i = random.int(log.records.length);
      log.records.splice(i, 0, foreign(i));
      log.records = renumber(log.records);
      log.lastSeq = log.records.length;
      return { kind: 'inserted', stream: 'events', seq: i + 1 };
    },
  },
  {
    name: 'swap two messages',
    apply(log, random) {
      const [i, j] = twoIndices(log.records.length, random);
      const [a, b] = [log.records[i]!, log.records[j]!];
      log.records[i] = { ...b, seq: a.seq };
      log.records[j] = { ...a, seq: b.seq };
      return { kind: 'reordered', stream: 'events', seq: i + 1 };
    },
  },
  {
    name: 'move a message elsewhere and renumber',
    apply(log, random) {
      const [i, j] = twoIndices(log.records.length, random);
      const [from, to] = random.int(2) === 0 ? [i, j] : [j, i];
      const [moved] = log.records.splice(from, 1);
      log.records.splice(to, 0, moved!);
      log.records = renumber(log.records);
      return { kind: 'reordered', stream: 'events', seq: i + 1 };
    },
  },
  {
    name: 'truncate the log',
    apply(log, random) {
      const i = random.int(log.records.length);
      log.records = log.records.slice(0, i);
      return { kind: 'deleted', stream: 'events', seq: i + 1 };
    },
  },
];

const CHECKPOINT_MUTATIONS: Mutation[] = [
  {
    name: 'truncate a checkpoint',
    apply(log, random) {
      const k = random.int(log.checkpoints.length);
      const data = log.checkpoints[k]!.data;
      log.checkpoints[k] = { seq: k + 1, data: data.subarray(0, random.int(data.length)) };
      return { kind: 'checkpoint-malformed', stream: 'checkpoints', seq: k + 1 };
    },
  },
  {
    name: 'delete a checkpoint',
    apply(log, random) {
      const k = random.int(log.checkpoints.length);
      log.checkpoints.splice(k, 1);
      return { kind: 'checkpoint-deleted', stream: 'checkpoints', seq: k + 1 };
    },
  },
  {
    name: 'rewrite the link of a checkpoint',
    apply(log, random) {
      const k = random.int(log.checkpoints.length);
      const checkpoint = JSON.parse(Buffer.from(log.checkpoints[k]!.data).toString()) as Checkpoint;
      log.checkpoints[k] = { seq: k + 1, data: encodeCheckpoint({ ...checkpoint, link: derivedId('x', String(k)).replaceAll('-', '').padEnd(64, '0') }) };
      return k === log.checkpoints.length - 1 ? { kind: 'checkpoint-modified', stream: 'checkpoints', seq: k + 1 } : { kind: 'checkpoint-chain-broken', stream: 'checkpoints', seq: k + 1 };
    },
  },
];

function twoIndices(length: number, random: Random): [number, number] {
  const i = random.int(length - 1);
  return [i, i + 1 + random.int(length - i - 1)];
}

function mutated(mutation: Mutation, seed: number, key?: Uint8Array): { log: Log; expected: Expected } {
  const base = pristine(key);
  const log = { ...base, records: [...base.records], checkpoints: [...base.checkpoints] };
  const expected = mutation.apply(log, seeded(seed));
  return { log, expected };
}

describe('the audit chain over a recorded log', () => {
  it('finds nothing wrong in the untouched log, with or without a key', () => {
    for (const key of [undefined, KEY]) {
      const report = verify(pristine(key), key ? { key } : {});
      assert.equal(report.ok, true, JSON.stringify(report));
      assert.equal(report.verified, EVENTS);
      assert.equal(report.checkpoints, EVENTS / EVERY);
      assert.equal(report.uncheckpointed, 0);
    }
  });

  it('detects each of 1,100 random single mutations at the right position and of the right kind', () => {
    const mutations = [...EVENT_MUTATIONS, ...CHECKPOINT_MUTATIONS];
    const wrong: string[] = [];
    let applied = 0;
    for (let seed = 1; seed <= 100; seed++) {
      for (const mutation of mutations) {
        const { log, expected } = mutated(mutation, seed * 7919 + applied);
        const report = verify(log);
        applied++;
        const found = report.ok ? 'nothing' : `${report.finding.kind} ${report.finding.stream}@${report.finding.seq}`;
        if (found !== `${expected.kind} ${expected.stream}@${expected.seq}`) wrong.push(`${mutation.name} (seed ${seed}): found ${found}, expected ${expected.kind} ${expected.stream}@${expected.seq}`);
      }
    }
    assert.ok(applied >= 1000);
    assert.deepEqual(wrong, []);
  });

  it('with a key, a checkpoint rewritten by someone without it is refused as forged, at its own position', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const { log, expected } = mutated(CHECKPOINT_MUTATIONS[2]!, seed, KEY);
      const report = verify(log, { key: KEY });
      assert.equal(report.ok, false);
      if (!report.ok) assert.deepEqual([report.finding.kind, report.finding.seq], ['checkpoint-forged', expected.seq]);
    }
  });

  it('across a retention horizon: the part before it is counted, the partly kept checkpoint is checked event by event', () => {
    const firstSeq = EVERY * 2 + 15;
    const report = verify(pristine(), { firstSeq, retention: true });
    assert.equal(report.ok, true, JSON.stringify(report));
    assert.equal(report.beforeHorizon, firstSeq - 1);
    assert.equal(report.verified, EVENTS - firstSeq + 1);
    const tampered = pristine();
    tampered.records[firstSeq + 3] = { ...tampered.records[firstSeq + 3]!, data: Buffer.from('{}') };
    const found = verify(tampered, { firstSeq, retention: true });
    assert.equal(found.ok, false);
    if (!found.ok) assert.deepEqual([found.finding.kind, found.finding.seq], ['modified', firstSeq + 4]);
  });

  it('without a retention limit, a stream that starts late has lost its first events', () => {
    const report = verify(pristine(), { firstSeq: 10 });
    assert.equal(report.ok, false);
    if (!report.ok) assert.deepEqual([report.finding.kind, report.finding.seq], ['deleted', 1]);
  });

  it('events after the last checkpoint are checked for gaps, and a deleted last message is found by the last sequence', () => {
    const log = pristine();
    const tail = recordedEvents(EVENTS + 5, 'pristine').slice(EVENTS);
    log.records.push(...tail);
    log.lastSeq = EVENTS + 5;
    const report = verify(log);
    assert.equal(report.ok, true, JSON.stringify(report));
    assert.equal(report.uncheckpointed, 5);
    log.records.splice(EVENTS + 1, 1);
    const gap = verify(log);
    assert.equal(gap.ok, false);
    if (!gap.ok) assert.deepEqual([gap.finding.kind, gap.finding.seq], ['deleted', EVENTS + 2]);
    const withoutLast = pristine();
    withoutLast.records.push(...tail.slice(0, 4));
    withoutLast.lastSeq = EVENTS + 5;
    const last = verify(withoutLast);
    assert.equal(last.ok, false);
    if (!last.ok) assert.deepEqual([last.finding.kind, last.finding.seq], ['deleted', EVENTS + 5]);
  });
});
