import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import type { PersistentAction, PersistentSubscriptionToStreamResolvedEvent, ResolvedEvent } from '@kurrent/kurrentdb-client';
import { containerTarget, createEvent, newId } from '@jarvis/contracts';
import type { Delivery } from '@jarvis/event-log';
import { toEventData } from './event-mapping.js';
import { PersistentDeliveries } from './persistent-deliveries.js';

const ACK_WAIT_MS = 100;

/** Stands in for the server's side of one connection: records what the adapter tells it. */
class FakeConnection extends EventEmitter {
  readonly calls: string[] = [];
  unsubscribed = false;

  async ack(...events: ResolvedEvent[]): Promise<void> {
    this.calls.push(...events.map((e) => `ack ${e.event?.revision}`));
  }

  async nack(action: PersistentAction, reason: string, ...events: ResolvedEvent[]): Promise<void> {
    this.calls.push(...events.map((e) => `${action} ${e.event?.revision}: ${reason}`));
  }

  async unsubscribe(): Promise<void> {
    this.unsubscribed = true;
  }

  offer(revision: bigint, retryCount = 0): void {
    const at = new Date().toISOString();
    const event = createEvent({
      id: newId(),
      type: 'DetectionRecorded',
      source: 'monitor',
      time: at,
      subject: 'container:web',
      correlationId: newId(),
      causationId: null,
      data: { target: containerTarget('web'), check: 'container_state', status: 'failed', reason: 'exited with code 1', faultAt: at },
    });
    const data = toEventData(event, new Map());
    const resolved = { event: { ...data, revision, streamId: 'jarvis-events', isJson: false, created: new Date() }, retryCount };
    this.emit('data', resolved as PersistentSubscriptionToStreamResolvedEvent);
  }
}

/** Polls for a bounded time: the adapter's settlements reach the connection on later turns of the event loop. */
async function eventually(probe: () => boolean): Promise<void> {
  for (let waited = 0; !probe(); waited += 10) {
    if (waited > 5_000) throw new Error('waited 5 s for the connection to be told');
    await sleep(10);
  }
}

function subscribed(ackWaitMs = ACK_WAIT_MS): { connection: FakeConnection; deliveries: Delivery[]; stop: () => Promise<void> } {
  const connection = new FakeConnection();
  const deliveries: Delivery[] = [];
  const subscription = new PersistentDeliveries(connection, ackWaitMs, (d) => deliveries.push(d)).start();
  return { connection, deliveries, stop: () => subscription.stop() };
}

describe('PersistentDeliveries', { timeout: 10_000 }, () => {
  it('hands each event as a delivery at sequence revision + 1, counting the server retries', () => {
    const { connection, deliveries } = subscribed();
    connection.offer(0n);
    connection.offer(4n, 2);
    assert.deepEqual(deliveries.map((d) => [d.seq, d.redeliveries, d.decoded.ok]), [[1, 0, true], [5, 2, true]]);
  });

  it('acks done, parks a reject with its reason, and asks for a retry only once its delay has passed', async () => {
    const { connection, deliveries } = subscribed();
    connection.offer(0n);
    connection.offer(1n);
    connection.offer(2n);
    deliveries[0]!.settle({ kind: 'done' });
    deliveries[1]!.settle({ kind: 'reject', reason: 'unreadable' });
    deliveries[2]!.settle({ kind: 'retry', afterMs: 1_000 });
    await sleep(10);
    assert.deepEqual(connection.calls, ['ack 0', 'park 1: unreadable'], 'the retry waits for its delay');
    await eventually(() => connection.calls.length === 3);
    assert.deepEqual(connection.calls, ['ack 0', 'park 1: unreadable', 'retry 2: retry requested by the subscriber']);
  });

  it('takes the first settlement and ignores later ones', async () => {
    const { connection, deliveries } = subscribed();
    connection.offer(0n);
    deliveries[0]!.settle({ kind: 'done' });
    deliveries[0]!.settle({ kind: 'reject', reason: 'too late' });
    await sleep(ACK_WAIT_MS * 2);
    assert.deepEqual(connection.calls, ['ack 0']);
  });

  it('asks for a retry of a delivery left unsettled for the ack wait, unless the subscriber reports progress', async () => {
    const ackWaitMs = 1_000;
    const { connection, deliveries } = subscribed(ackWaitMs);
    connection.offer(0n);
    connection.offer(1n);
    const heartbeat = setInterval(() => deliveries[1]!.inProgress(), ackWaitMs / 4);
    await sleep(ackWaitMs * 2.5);
    clearInterval(heartbeat);
    deliveries[1]!.settle({ kind: 'done' });
    await eventually(() => connection.calls.length === 2);
    assert.deepEqual(connection.calls, ['retry 0: retry requested by the subscriber', 'ack 1']);
  });

  it('closes the connection at once when stopped with nothing outstanding', async () => {
    const { connection, deliveries, stop } = subscribed();
    await stop();
    connection.offer(0n);
    assert.deepEqual([connection.unsubscribed, deliveries.length], [true, 0]);
  });

  it('stopped mid-work: hands nothing more, takes the late settlement, then closes', async () => {
    const { connection, deliveries, stop } = subscribed();
    connection.offer(0n);
    await stop();
    connection.offer(1n);
    assert.deepEqual([connection.unsubscribed, deliveries.length], [false, 1], 'kept open for the work in progress');
    deliveries[0]!.settle({ kind: 'done' });
    await eventually(() => connection.unsubscribed);
    assert.deepEqual(connection.calls, ['ack 0'], 'the event that arrived after the stop is left for the server to offer again');
    assert.equal(connection.unsubscribed, true);
  });

  it('stopped mid-work: closes after the ack wait even when the work never settles', async () => {
    const { connection, stop } = subscribed();
    connection.offer(0n);
    await stop();
    assert.equal(connection.unsubscribed, false);
    await eventually(() => connection.unsubscribed);
  });
});
