import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jetstreamManager } from '@nats-io/jetstream';
import { EVENT_STREAM_NAME, type JarvisEvent } from '@jarvis/contracts';
import { EventProcessorRunner, type AppendOptions, type AppendResult, type EventLog, type EventProcessor } from '@jarvis/event-log';
import type { Context } from '@jarvis/telemetry';
import { failedDetection } from '../support/event-fixtures.js';
import { useRealEventLog } from '../support/real-event-log.js';
import { waitFor } from '../support/processes.js';

/** State: the ids of every event applied, in order, so a double application shows. */
function collector(name: string): EventProcessor<string[]> {
  return {
    name,
    initialState: () => [],
    evolve: (ids, event) => [...ids, event.id],
    handles: () => false,
    concurrencyKey: () => 'one',
    handle: async () => undefined,
  };
}

const silent = { log: () => undefined, warn: () => undefined, error: () => undefined };

/** The real log, with a hook on the first append of a pair (the one appended without `rightAfter`). */
class HookedLog implements EventLog {
  readonly steps: string[] = [];

  constructor(
    private readonly inner: EventLog,
    private readonly onFirst: (event: JarvisEvent, parent?: Context) => Promise<AppendResult>,
  ) {}

  append(event: JarvisEvent, parent?: Context, options?: AppendOptions): Promise<AppendResult> {
    this.steps.push(options?.rightAfter ? `append ${event.id} right after ${options.rightAfter}` : `append ${event.id}`);
    const append = options?.rightAfter === undefined ? this.onFirst(event, parent) : this.inner.append(event, parent, options);
    return append.then((result) => {
      this.steps.push(`ack ${event.id}`);
      return result;
    });
  }

  readFrom: EventLog['readFrom'] = (fromSeq) => this.inner.readFrom(fromSeq);
  position: EventLog['position'] = () => this.inner.position();
  subscribe: EventLog['subscribe'] = (durable, onDelivery) => this.inner.subscribe(durable, onDelivery);
}

describe('recording a pair of facts in order against a real nats-server', { timeout: 180_000 }, () => {
  const real = useRealEventLog();

  const storedIds = async (): Promise<string[]> => {
    const ids: string[] = [];
    for await (const stored of real.log.readFrom(1)) ids.push(stored.event.id);
    return ids;
  };

  it('sends the second before the first is acknowledged; both are stored in order and applied once, deliveries included', async () => {
    const hooked = new HookedLog(real.log, (event, parent) => real.log.append(event, parent));
    const runner = new EventProcessorRunner(hooked, collector('pair'), silent, { service: 'monitor' });
    await runner.start();
    const [first, second] = [failedDetection('pair-1'), failedDetection('pair-2')];
    await runner.recordInOrder([first, second]);
    assert.deepEqual(hooked.steps.slice(0, 2), [`append ${first.id}`, `append ${second.id} right after ${first.id}`], 'the second is sent before any ack');
    assert.ok(!hooked.steps.includes(`append ${second.id}`), 'kept by the store at once, not sent again after the ack');
    assert.deepEqual((await storedIds()).slice(-2), [first.id, second.id]);
    const jsm = await jetstreamManager(real.nc);
    await waitFor('the durable to settle both', async () => {
      const info = await jsm.consumers.info(EVENT_STREAM_NAME, 'pair');
      return info.num_pending === 0 && info.num_ack_pending === 0;
    }, 10_000);
    assert.deepEqual(runner.currentState().filter((id) => id === first.id || id === second.id), [first.id, second.id]);
    await runner.stop();
  });

  it('stores the second after the first is acknowledged when another event came between, once', async () => {
    const between = failedDetection('between');
    const hooked = new HookedLog(real.log, (event, parent) => {
      const first = real.log.append(event, parent);
      void real.log.append(between);
      return first;
    });
    const runner = new EventProcessorRunner(hooked, collector('between'), silent, { service: 'monitor' });
    const [first, second] = [failedDetection('late-1'), failedDetection('late-2')];
    await runner.recordInOrder([first, second]);
    assert.deepEqual((await storedIds()).slice(-3), [first.id, between.id, second.id]);
    assert.deepEqual(runner.currentState(), [first.id, second.id]);
  });

  it('never stores the second when the first is lost: the store refuses it and the pair fails', async () => {
    const hooked = new HookedLog(real.log, () => new Promise((_, reject) => setTimeout(() => reject(new Error('publish lost')), 200)));
    const runner = new EventProcessorRunner(hooked, collector('lost'), silent, { service: 'monitor' });
    const [first, second] = [failedDetection('lost-1'), failedDetection('lost-2')];
    await assert.rejects(runner.recordInOrder([first, second]), /publish lost/);
    const stored = await storedIds();
    assert.ok(!stored.includes(first.id) && !stored.includes(second.id), 'neither is stored');
    assert.deepEqual(runner.currentState(), []);
    assert.ok(hooked.steps.includes(`append ${second.id} right after ${first.id}`), 'the second was sent, and refused');
  });

  it('under nats-server killed -9 and restarted mid-pair, never stores the second without the first, nor either twice', async () => {
    for (let round = 0; round < 3; round++) {
      let fault: Promise<void> | undefined;
      const hooked = new HookedLog(real.log, (event, parent) => {
        const first = real.log.append(event, parent);
        fault = real.nats.process().kill9().then(() => real.nats.restart());
        return first;
      });
      const runner = new EventProcessorRunner(hooked, collector(`restart-${round}`), silent, { service: 'monitor' });
      const [first, second] = [failedDetection(`restart-${round}-1`), failedDetection(`restart-${round}-2`)];
      const outcome = await runner.recordInOrder([first, second]).then(
        () => 'recorded',
        (error: unknown) => `failed: ${(error as Error).message}`,
      );
      await fault;
      const stored = await waitFor('the restarted store to answer', () => storedIds().catch(() => undefined), 20_000, 200);
      const at = (id: string) => stored.indexOf(id);
      assert.ok(stored.filter((id) => id === first.id).length <= 1 && stored.filter((id) => id === second.id).length <= 1, `each at most once (${outcome})`);
      if (at(second.id) >= 0) assert.equal(at(first.id), at(second.id) - 1, `the second right after the first (${outcome})`);
      if (outcome === 'recorded') assert.deepEqual(runner.currentState(), [first.id, second.id]);
      else assert.ok(!runner.currentState().includes(second.id), 'a failed pair applies nothing past the failure');
    }
  });
});
