import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { JarvisEvent } from '@jarvis/contracts';
import { MemoryEventLog, NotRightAfter, type AppendResult, type Delivery, type Subscription } from '@jarvis/event-log';
import type { Context } from '@jarvis/telemetry';
import { IncidentStory } from './incident-story.test-support.js';
import { JarvisMetrics } from './jarvis-metrics.js';
import { MeteredEventLog } from './metered-event-log.js';
import { METRIC, METRICS_PATH } from './index.js';
import { serveMetrics, type MetricsServer } from './metrics-server.js';
import { reliabilityReplyFixture } from './reliability-reply.test-support.js';
import type { StoreProbe } from './store-probe.js';

const WEB = new IncidentStory('web', '3b7f3c1e-9d2a-4f7e-8a47-0b2f2a3c4d5e');
const probe: StoreProbe = { look: async (durables) => ({ up: true, lags: durables.map((durable) => ({ durable, pending: 3, ackPending: 1 })) }) };

const servers: MetricsServer[] = [];
const providers: JarvisMetrics[] = [];

async function scrapeable(): Promise<{ metrics: JarvisMetrics; scrape(): Promise<string> }> {
  const metrics = JarvisMetrics.create('jarvis-test', probe);
  const server = await serveMetrics(metrics, '127.0.0.1', 0);
  servers.push(server);
  providers.push(metrics);
  return { metrics, scrape: async () => (await fetch(`http://127.0.0.1:${server.port}${METRICS_PATH}`, { signal: AbortSignal.timeout(5_000) })).text() };
}

/** The value of one series of a scrape, found by its name and an exact label set. */
function valueOf(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1).split(' ')[0]);
}

describe('MeteredEventLog', () => {
  after(async () => {
    for (const server of servers) await server.close();
    for (const metrics of providers) await metrics.shutdown();
  });

  it('counts an event it stored once, and not again when the same event is appended again', async () => {
    const { metrics, scrape } = await scrapeable();
    const log = new MeteredEventLog(new MemoryEventLog(), metrics);
    const succeeded = WEB.succeeded();
    await log.append(succeeded);
    await log.append(succeeded);
    assert.equal(valueOf(await scrape(), `${METRIC.actions}{action="restart_container",result="succeeded"}`), 1);
  });

  it('counts nothing replayed at start, yet learns the open incident so its resolution gets an MTTR', async () => {
    const store = new MemoryEventLog();
    await store.append(WEB.opened());
    await store.append(WEB.succeeded());
    const { metrics, scrape } = await scrapeable();
    const restarted = new MeteredEventLog(store, metrics);
    for await (const stored of restarted.readFrom(1)) assert.ok(stored.seq > 0);
    const before = await scrape();
    assert.equal(valueOf(before, `${METRIC.incidentsOpened}{check="container_state",kind="container"}`), undefined, before);
    assert.equal(valueOf(before, `${METRIC.incidentsOpen}{target="container:web",check="container_state"}`), 1, before);
    await restarted.append(WEB.resolved(10_000));
    const text = await scrape();
    assert.equal(valueOf(text, `${METRIC.mttr}_count{check="container_state",action="restart_container",resolution="remediated"}`), 1, text);
    assert.equal(valueOf(text, `${METRIC.mttr}_sum{check="container_state",action="restart_container",resolution="remediated"}`), 10, text);
    assert.equal(valueOf(text, `${METRIC.incidentsOpen}{target="container:web",check="container_state"}`), 0, text);
  });

  it('measures the MTTR even when its own consumer is delivered the resolution before the store acknowledges it', async () => {
    const { metrics, scrape } = await scrapeable();
    const log = new MeteredEventLog(new AcknowledgesLate(), metrics);
    const subscription = await log.subscribe('jarvis-monitor', (delivery) => delivery.settle({ kind: 'done' }));
    await log.append(WEB.opened());
    await log.append(WEB.resolved(10_000));
    await subscription.stop();
    const text = await scrape();
    assert.equal(valueOf(text, `${METRIC.mttr}_count{check="container_state",action="none",resolution="remediated"}`), 1, text);
  });

  it('counts a refused append by event type and reason, and reports consumer lag and store health at scrape time', async () => {
    const { metrics, scrape } = await scrapeable();
    const log = new MeteredEventLog(new MemoryEventLog(), metrics);
    const invalid = { ...WEB.opened(), data: { ...WEB.opened().data, target: { kind: 'container', id: '../etc' } } } as never;
    await assert.rejects(log.append(invalid), /refusing to append an invalid IncidentOpened/);
    const subscription = await log.subscribe('jarvis-policy', (delivery) => delivery.settle({ kind: 'done' }));
    const text = await scrape();
    await subscription.stop();
    assert.equal(valueOf(text, `${METRIC.appendFailures}{event_type="IncidentOpened",reason="invalid"}`), 1, text);
    assert.equal(valueOf(text, `${METRIC.consumerPending}{durable="jarvis-policy"}`), 3, text);
    assert.equal(valueOf(text, `${METRIC.consumerAckPending}{durable="jarvis-policy"}`), 1, text);
    assert.equal(valueOf(text, METRIC.eventStoreUp), 1, text);
  });

  it('passes an append that must follow another through, and counts its refusal as no failure: it is sent again', async () => {
    const { metrics, scrape } = await scrapeable();
    const log = new MeteredEventLog(new MemoryEventLog(), metrics);
    const opened = WEB.opened();
    await assert.rejects(log.append(opened, undefined, { rightAfter: 'an event never stored' }), NotRightAfter);
    assert.equal((await log.position()).lastSeq, 0, 'the inner log was asked, and stored nothing');
    assert.equal(valueOf(await scrape(), `${METRIC.appendFailures}{event_type="IncidentOpened",reason="store"}`), undefined);
  });

  it('exports every metric of the constants file once its events happened', async () => {
    const { metrics, scrape } = await scrapeable();
    metrics.observeReliability(() => reliabilityReplyFixture());
    const log = new MeteredEventLog(new UndecodableFirst(), metrics);
    const story = [WEB.detected(), WEB.opened(), WEB.decided('denied', 'circuit_breaker'), WEB.approvalRequested(), WEB.failed(), WEB.succeeded(), WEB.verified(), WEB.escalated(), WEB.maintenanceFinished(), WEB.resolved()];
    for (const event of story) await log.append(event);
    await assert.rejects(log.append({ ...WEB.detected(), type: 'NoSuchEvent' } as never));
    assert.match(await scrape(), /jarvis_event_append_failures_total\{event_type="unknown",reason="invalid"\} 1/);
    const subscription = await log.subscribe('jarvis-audit', (delivery) => delivery.settle({ kind: 'done' }));
    const text = await scrape();
    await subscription.stop();
    for (const name of Object.values(METRIC)) assert.match(text, new RegExp(`^${name}(_bucket|_sum|_count)?[{ ]`, 'm'), `${name} in\n${text}`);
  });
});

/** A store whose first delivery to a subscriber is a message nobody can decode. */
class UndecodableFirst extends MemoryEventLog {
  override subscribe(durable: string, onDelivery: (delivery: Delivery) => void): Promise<Subscription> {
    onDelivery({ seq: 0, redeliveries: 0, decoded: { ok: false, errors: ['(root): not valid JSON'] }, inProgress: () => undefined, settle: () => undefined });
    return super.subscribe(durable, onDelivery);
  }
}

/** A store whose acknowledgement comes after its subscribers were delivered the event, as JetStream's may. */
class AcknowledgesLate extends MemoryEventLog {
  override async append(event: JarvisEvent, parent?: Context): Promise<AppendResult> {
    const result = await super.append(event, parent);
    await sleep(50);
    return result;
  }
}
