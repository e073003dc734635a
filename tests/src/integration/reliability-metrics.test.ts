import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { replayAudit } from '@jarvis/audit-service';
import { defaultConfig } from '@jarvis/config';
import { containerTarget, createEvent, newId, type JarvisEvent } from '@jarvis/contracts';
import { JetStreamEventLog } from '@jarvis/event-log';
import { METRIC } from '@jarvis/metrics';
import { dashboardFiles, queriesOf, withGrafanaVariables } from '../support/dashboards.js';
import { JARVIS_BIN, REPO_ROOT } from '../support/jarvis-harness.js';
import { startNats, type NatsHarness } from '../support/nats-harness.js';
import { killAllTracked, freePort, spawnTracked, waitFor, type TrackedProcess } from '../support/processes.js';
import { singleValue, startPrometheus, type PromSample, type PrometheusHarness } from '../support/prometheus-harness.js';

const dir = mkdtempSync(join(tmpdir(), 'jarvis-reliability-metrics-'));

/** One case on container `name`, its fault `faultAgoMs` before now: opened 2 s after the fault, then `steps`. */
function caseOf(name: string, faultAgoMs: number, steps: (at: (ms: number) => Base) => JarvisEvent[]): JarvisEvent[] {
  const correlationId = newId();
  const faultMs = Date.now() - faultAgoMs;
  const at = (ms: number): Base => ({ id: newId(), time: new Date(faultMs + ms).toISOString(), subject: `container:${name}`, correlationId, causationId: null });
  const target = containerTarget(name);
  const opened = createEvent({ ...at(2_000), type: 'IncidentOpened', source: 'monitor', data: { target, check: 'container_state', detectionId: newId(), faultAt: new Date(faultMs).toISOString(), summary: 'exited' } });
  return [opened, ...steps(at)];
}

type Base = { id: string; time: string; subject: string; correlationId: string; causationId: null };

function remediatedAlone(name: string): JarvisEvent[] {
  const target = containerTarget(name);
  return caseOf(name, 3_600_000, (at) => [
    createEvent({ ...at(5_000), type: 'ActionSucceeded', source: 'executor', data: { target, decisionId: newId(), action: 'restart_container', result: 'restarted', details: {}, durationMs: 1_000 } }),
    createEvent({ ...at(30_000), type: 'IncidentResolved', source: 'monitor', data: { target, resolution: 'remediated', reason: 'running again' } }),
  ]);
}

function escalatedAfterFailure(name: string): JarvisEvent[] {
  const target = containerTarget(name);
  return caseOf(name, 1_800_000, (at) => [
    createEvent({ ...at(5_000), type: 'ActionFailed', source: 'executor', data: { target, decisionId: newId(), action: 'restart_container', error: 'no such container', durationMs: 200 } }),
    createEvent({ ...at(6_000), type: 'IncidentEscalated', source: 'policy', data: { target, rule: 'circuit_breaker', reason: 'too many restarts', attempts: 3 } }),
  ]);
}

function launch(targets: string, port: number): TrackedProcess {
  return spawnTracked(process.execPath, [JARVIS_BIN, 'start', '--target', targets], {
    env: { ...process.env, NATS_URL: nats.url, JARVIS_CONFIG: '', JARVIS_METRICS_PORT: String(port), JARVIS_DATA_DIR: join(dir, 'data'), DOCKER_HOST: 'unix:///nonexistent.sock' },
    logFile: join(dir, `${targets}.log`),
    cwd: REPO_ROOT,
  });
}

let nats: NatsHarness;

describe('the reliability figures on /metrics, scraped by Prometheus from split processes', { timeout: 240_000 }, () => {
  let nc: NatsConnection;
  let prometheus: PrometheusHarness;
  const processes: TrackedProcess[] = [];

  before(async () => {
    nats = await startNats();
    nc = await connect({ servers: [nats.url] });
    const log = await JetStreamEventLog.open(nc);
    for (const event of [...remediatedAlone('web'), ...remediatedAlone('db'), ...escalatedAfterFailure('cache')]) await log.append(event);
    const ports = [await freePort(), await freePort()];
    prometheus = await startPrometheus(ports.map((port) => `127.0.0.1:${port}`));
    processes.push(launch('audit', ports[0]!), launch('config-editor', ports[1]!));
    for (const proc of processes) {
      await waitFor('jarvis to start', () => {
        if (proc.child.exitCode !== null) throw new Error(`exited with ${proc.child.exitCode}:\n${proc.log()}`);
        return proc.log().includes('started ');
      }, 60_000);
    }
  });

  after(async () => {
    for (const proc of processes) await proc.stop('SIGTERM', 20_000).catch(() => undefined);
    await prometheus?.stop().catch(() => undefined);
    await nc?.close().catch(() => undefined);
    await nats?.stop().catch(() => undefined);
    await killAllTracked();
  });

  const scraped = async (expr: string): Promise<PromSample[]> =>
    waitFor(`${expr} in Prometheus`, async () => {
      const samples = await prometheus.query(expr);
      return samples.length > 0 ? samples : undefined;
    }, 60_000, 500);

  it('exports each figure once, from the audit process alone, with the values of the log', async () => {
    assert.equal(singleValue(await scraped('count(up{job="jarvis"} == 1) == 2')), 2, 'both processes are scraped');
    const detected = await scraped(`${METRIC.reliabilityIncidents}{state="detected"}`);
    assert.equal(detected.length, 1, `one series, not one per process: ${JSON.stringify(detected)}`);
    assert.equal(Number(detected[0]!.value[1]), 3);
    const value = async (expr: string) => Number((await scraped(expr))[0]!.value[1]);
    assert.equal(await value(`sum(${METRIC.reliabilityIncidents}{state="remediated_alone"})`), 2);
    assert.equal(await value(`sum(${METRIC.reliabilityIncidents}{state="escalated"})`), 1);
    assert.equal((await value(`sum(${METRIC.autonomousFixRatio})`)).toFixed(6), (2 / 3).toFixed(6));
    assert.equal(await value(`sum(${METRIC.actionsExecuted}{window="24h"})`), 3);
    assert.equal(await value(`sum(${METRIC.actionOutcomes}{action="restart_container",result="failed"})`), 1);
    assert.equal((await value(`sum(${METRIC.actionSuccessRatio}{action="restart_container"})`)).toFixed(6), (2 / 3).toFixed(6));
    assert.equal(await value(`sum(${METRIC.mttdByCheck}{check="container_state",quantile="0.5"})`), 2);
    assert.equal(await value(`sum(${METRIC.mttrByAction}{action="restart_container",quantile="0.95"})`), 30);
    assert.ok((await value(`sum(${METRIC.timeSaved})`)) > 0, 'the successful restarts stand for some saved time');
  });

  it('gives what `jarvis audit replay` computes from the same log', async () => {
    const replayed = await replayAudit(nc, defaultConfig(), { show: () => undefined });
    const value = async (expr: string) => Number((await scraped(expr))[0]!.value[1]);
    assert.equal(await value(`sum(${METRIC.reliabilityIncidents}{state="detected"})`), replayed.reliability.incidents.detected);
    assert.equal((await value(`sum(${METRIC.autonomousFixRatio})`)).toFixed(6), replayed.reliability.autonomousFixRate?.toFixed(6));
    assert.equal(await value(`sum(${METRIC.timeSaved})`), replayed.reliability.minutesSaved * 60);
    assert.equal(await value(`sum(${METRIC.mttrQuantile}{quantile="0.5"})`), replayed.reliability.mttr.all.p50Ms! / 1000);
  });

  it('answers every dashboard query on the reliability figures with a value', async () => {
    const queries = dashboardFiles().flatMap(queriesOf).filter((q) => q.datasourceType === 'prometheus' && q.text.includes('jarvis_reliability_'));
    assert.ok(queries.length >= 4, `the overview shows the reliability figures (${queries.length} queries)`);
    for (const query of queries) {
      const samples = await scraped(withGrafanaVariables(query.text, { target: 'container:web', caseId: 'none' }));
      assert.ok(samples.every((s) => Number.isFinite(Number(s.value[1]))), `${query.where}: ${JSON.stringify(samples)}`);
    }
  });
});
