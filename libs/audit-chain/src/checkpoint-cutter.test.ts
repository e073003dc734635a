import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeCheckpoint, encodeCheckpoint } from './checkpoint.js';
import { chainHeadAfter, CheckpointCutter } from './checkpoint-cutter.js';
import { recordedEvents, STREAM } from './recorded-log.test-fixture.js';

const T0 = new Date('2026-11-01T00:00:00Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

describe('CheckpointCutter', () => {
  it('is full at everyEvents, due by time only with something pending', () => {
    const cutter = new CheckpointCutter(chainHeadAfter(STREAM, undefined, T0), { everyEvents: 3, everySeconds: 60 });
    assert.equal(cutter.begin(1), 1);
    assert.equal(cutter.due(at(3600)), false, 'nothing pending');
    const records = recordedEvents(3, 'cutter');
    cutter.add(records[0]!);
    assert.equal(cutter.due(at(59)), false);
    assert.equal(cutter.due(at(60)), true);
    cutter.add(records[1]!);
    cutter.add(records[2]!);
    assert.equal(cutter.full(), true);
  });

  it('records a sequence skipped while reading as missing, and the next checkpoint starts after the stored one', () => {
    const cutter = new CheckpointCutter(chainHeadAfter(STREAM, undefined, T0), { everyEvents: 10, everySeconds: 60 });
    cutter.begin(1);
    const records = recordedEvents(6, 'cutter');
    for (const record of records.filter((r) => r.seq !== 3)) cutter.add(record);
    const first = cutter.cut(at(61));
    assert.deepEqual([first.index, first.firstSeq, first.lastSeq, first.count, first.missing], [1, 1, 6, 5, [3]]);
    const decoded = decodeCheckpoint(encodeCheckpoint(first));
    assert.equal(decoded.ok, true, JSON.stringify(decoded));
    cutter.advance(first);
    assert.throws(() => cutter.add(records[5]!), /seq: 6 read again after 6/);
  });

  it('resumes after the latest stored checkpoint, or at the first retained sequence when retention removed the rest', () => {
    const cutter = new CheckpointCutter(chainHeadAfter(STREAM, undefined, T0), { everyEvents: 2, everySeconds: 60 });
    cutter.begin(1);
    const records = recordedEvents(2, 'cutter');
    records.forEach((r) => cutter.add(r));
    const stored = cutter.cut(at(1));
    const resumed = new CheckpointCutter(chainHeadAfter(STREAM, stored, at(5)), { everyEvents: 2, everySeconds: 60 });
    assert.equal(resumed.begin(1), 3);
    assert.equal(resumed.begin(50), 50);
  });
});

describe('decodeCheckpoint', () => {
  it('names each bad field and the reason', () => {
    const decoded = decodeCheckpoint(Buffer.from(JSON.stringify({ version: 1, stream: 'S', index: 0, firstSeq: 5, lastSeq: 4, count: 1, missing: [], link: 'x', previous: 'y', digests: '', writtenAt: 'never' })));
    assert.equal(decoded.ok, false);
    if (!decoded.ok) {
      assert.deepEqual(decoded.errors, ['index: must be a positive integer', 'link: must be 64 hex digits', 'previous: must be 64 hex digits', 'writtenAt: must be an ISO time']);
    }
    const truncated = decodeCheckpoint(Buffer.from('{"version":1,'));
    assert.equal(truncated.ok, false);
  });
});
