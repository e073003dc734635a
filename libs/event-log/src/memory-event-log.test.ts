import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeEventLogContract } from './contract/index.js';
import { readAll, Recorder, sampleEvent } from './contract/deliveries.js';
import { MemoryEventLog } from './memory-event-log.js';
import { MemorySnapshotStore } from './memory-snapshot-store.js';

describeEventLogContract('memory', async ({ ackWaitMs }) => ({ log: new MemoryEventLog({ ackWaitMs }), close: async () => undefined }), { ackWaitMs: 200 });

describe('MemoryEventLog: its own limits', { timeout: 10_000 }, () => {
  it('stores an event id again once the duplicate window has passed', async () => {
    let now = Date.parse('2025-03-01T12:00:00.000Z');
    const log = new MemoryEventLog({ duplicateWindowMs: 1_000, clock: () => new Date(now) });
    const event = sampleEvent('again');
    await log.append(event);
    now += 999;
    assert.deepEqual(await log.append(event), { seq: 1, duplicate: true }, 'still inside the window');
    now += 1;
    assert.deepEqual(await log.append(event), { seq: 2, duplicate: false });
    assert.equal((await log.position()).createdAt, '2025-03-01T12:00:00.000Z');
  });

  it('serves one subscriber per durable at a time, naming the durable', async () => {
    const log = new MemoryEventLog();
    const first = await new Recorder().subscribe(log, 'only');
    await assert.rejects(log.subscribe('only', () => undefined), /durable only already has a subscriber/);
    await first.stop();
    const second = await new Recorder().subscribe(log, 'only');
    await second.stop();
  });

  it('hands out at most maxAckPending unsettled deliveries, and the next one once one is settled', async () => {
    const log = new MemoryEventLog({ maxAckPending: 2 });
    for (const label of ['p1', 'p2', 'p3']) await log.append(sampleEvent(label));
    const recorder = await new Recorder(() => undefined).subscribe(log, 'bounded');
    const [first] = await recorder.received(2, 'two deliveries');
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(recorder.seqs(), [1, 2], 'the third waits');
    first!.settle({ kind: 'done' });
    await recorder.received(3, 'the third delivery');
    await recorder.stop();
    assert.deepEqual(recorder.seqs(), [1, 2, 3]);
  });

  it('gives every reader its own copy of an event', async () => {
    const log = new MemoryEventLog();
    const event = sampleEvent('copied');
    await log.append(event);
    const [first] = await readAll(log);
    const [second] = await readAll(log);
    assert.notEqual(first!.event, event, 'not the appended object');
    assert.notEqual(first!.event, second!.event, 'not shared between readers');
    assert.deepEqual(JSON.parse(JSON.stringify(first!.event)), JSON.parse(JSON.stringify(event)));
  });
});

describe('MemorySnapshotStore', () => {
  it('returns what was saved last for a processor, as a copy', async () => {
    const store = new MemorySnapshotStore();
    assert.equal(await store.load('p'), undefined);
    const bytes = new Uint8Array([1, 2, 3]);
    await store.save('p', bytes);
    bytes[0] = 9;
    await store.save('q', new Uint8Array([7]));
    assert.deepEqual(await store.load('p'), new Uint8Array([1, 2, 3]));
    await store.save('p', new Uint8Array([4]));
    assert.deepEqual(await store.load('p'), new Uint8Array([4]));
  });
});
