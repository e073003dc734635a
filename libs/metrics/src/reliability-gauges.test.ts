import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { ReliabilityReply } from '@jarvis/contracts';
import { reliabilityReplyFixture as report } from './reliability-reply.test-support.js';
import { JarvisMetrics } from './jarvis-metrics.js';
import { serveMetrics, METRICS_PATH, type MetricsServer } from './metrics-server.js';
import { METRIC } from './names.js';
import { reliabilityReadings, RELIABILITY_GAUGES } from './reliability-gauges.js';
import type { StoreProbe } from './store-probe.js';

const probe: StoreProbe = { look: async () => ({ up: true, lags: [] }) };

/** The readings as `name{labels} value` lines, in the Prometheus text format's label order (as given). */
function lines(r: ReliabilityReply): string[] {
  return reliabilityReadings(r).map(({ gauge, value, labels }) => {
    const pairs = Object.entries(labels).map(([k, v]) => `${k}="${String(v)}"`);
    return `${gauge}${pairs.length > 0 ? `{${pairs.join(',')}}` : ''} ${value}`;
  });
}

describe('reliabilityReadings', () => {
  it('gives every figure of the report, times in seconds, time saved in seconds', () => {
    const all = lines(report());
    for (const expected of [
      `${METRIC.reliabilityIncidents}{state="detected"} 5`,
      `${METRIC.reliabilityIncidents}{state="remediated_alone"} 1`,
      `${METRIC.reliabilityIncidents}{state="escalated"} 1`,
      `${METRIC.autonomousFixRatio} ${1 / 3}`,
      `${METRIC.actionsExecuted}{window="24h"} 1`,
      `${METRIC.actionsExecuted}{window="7d"} 3`,
      `${METRIC.actionsExecuted}{window="30d"} 4`,
      `${METRIC.actionOutcomes}{action="restart_container",result="failed"} 1`,
      `${METRIC.actionSuccessRatio}{action="restart_container"} 0.75`,
      `${METRIC.timeSaved}{action="restart_container"} 2700`,
      `${METRIC.mttdQuantile}{quantile="0.95"} 9`,
      `${METRIC.mttdByCheck}{check="container_state",quantile="0.5"} 2`,
      `${METRIC.mttrQuantile}{quantile="0.5"} 30`,
      `${METRIC.mttrByCheck}{check="container_state",quantile="0.95"} 60`,
      `${METRIC.mttrByAction}{action="restart_container",quantile="0.5"} 30`,
    ]) {
      assert.ok(all.includes(expected), `${expected} in\n${all.join('\n')}`);
    }
  });

  it('leaves out the figures that do not exist yet instead of exporting 0', () => {
    const all = lines(report({ autonomousFixRate: null }));
    assert.ok(!all.some((l) => l.startsWith(METRIC.autonomousFixRatio)), 'no fix rate before any case needed a fix');
    assert.ok(!all.some((l) => l.includes('check="disk_usage"')), 'no percentile without samples');
    assert.ok(!all.some((l) => l.startsWith(`${METRIC.actionSuccessRatio}{action="clean_tmp_files"}`)), 'no success rate without an action');
    assert.ok(all.includes(`${METRIC.actionOutcomes}{action="clean_tmp_files",result="succeeded"} 0`), 'counts of 0 are real counts');
  });

  it('names only gauges it declares', () => {
    const declared = new Set(Object.keys(RELIABILITY_GAUGES));
    for (const { gauge } of reliabilityReadings(report())) assert.ok(declared.has(gauge), gauge);
  });
});

describe('JarvisMetrics.observeReliability', () => {
  const servers: MetricsServer[] = [];
  const providers: JarvisMetrics[] = [];
  after(async () => {
    for (const server of servers) await server.close();
    for (const metrics of providers) await metrics.shutdown();
  });

  async function scrape(metrics: JarvisMetrics): Promise<string> {
    const server = await serveMetrics(metrics, '127.0.0.1', 0);
    servers.push(server);
    return (await fetch(`http://127.0.0.1:${server.port}${METRICS_PATH}`, { signal: AbortSignal.timeout(5_000) })).text();
  }

  it('reads the figures at each scrape, not once', async () => {
    const metrics = JarvisMetrics.create('jarvis-test', probe);
    providers.push(metrics);
    let current = report();
    metrics.observeReliability(() => current);
    assert.match(await scrape(metrics), new RegExp(`^${METRIC.reliabilityIncidents}\\{state="detected"\\} 5$`, 'm'));
    current = report({ incidents: { ...report().incidents, detected: 6 } });
    const text = await scrape(metrics);
    assert.match(text, new RegExp(`^${METRIC.reliabilityIncidents}\\{state="detected"\\} 6$`, 'm'), text);
    assert.match(text, new RegExp(`^# TYPE ${METRIC.autonomousFixRatio} gauge$`, 'm'), text);
  });

  it('exports no reliability figure from a process that does not run the audit service', async () => {
    const metrics = JarvisMetrics.create('jarvis-policy', probe);
    providers.push(metrics);
    const text = await scrape(metrics);
    assert.doesNotMatch(text, /jarvis_reliability_/, text);
  });
});
