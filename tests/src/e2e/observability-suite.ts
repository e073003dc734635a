import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { connect } from '@nats-io/transport-node';
import { PROCESSOR_SERVICES } from '@jarvis/contracts';
import { METRIC, METRICS_PATH } from '@jarvis/metrics';
import { ATTR, MESSAGING, SPAN } from '@jarvis/telemetry';
import { dashboardFiles, queriesOf, withGrafanaVariables } from '../support/dashboards.js';
import { crashMainProcess, runContainer, startDockerd, waitRunning, type DockerHarness } from '../support/docker-harness.js';
import { EventReader } from '../support/event-reader.js';
import { SHAPE_TARGETS, startJarvis, type JarvisDeployment, type Shape } from '../support/jarvis-harness.js';
import { startNats, type NatsHarness } from '../support/nats-harness.js';
import { OtlpReceiver, type ReceivedSpan } from '../support/otlp-receiver.js';
import { killAllTracked, freePort, waitFor } from '../support/processes.js';
import { singleValue, startPrometheus, type PrometheusHarness } from '../support/prometheus-harness.js';
import { TEST_CONFIG } from './healing-suite.js';

const CASE_SPANS = [SPAN.detect, SPAN.decide, SPAN.act, SPAN.verify, SPAN.resolve];

/** Metrics scraped by a real Prometheus and spans exported to a loopback OTLP receiver, for one healed crash. */
export function observabilitySuite(shape: Shape): void {
  describe(`metrics and traces of a healed crash (${shape})`, { timeout: 300_000 }, () => {
    let nats: NatsHarness;
    let docker: DockerHarness;
    let otlp: OtlpReceiver;
    let prometheus: PrometheusHarness;
    let jarvis: JarvisDeployment;
    let reader: EventReader;
    let incidentId: string;
    const metricsPorts = new Map<string, number>();

    before(async () => {
      [nats, docker] = await Promise.all([startNats(), startDockerd()]);
      otlp = new OtlpReceiver();
      await otlp.start();
      for (const targets of SHAPE_TARGETS[shape]) metricsPorts.set(targets.join(','), await freePort());
      prometheus = await startPrometheus([...metricsPorts.values()].map((port) => `127.0.0.1:${port}`));
      jarvis = await startJarvis(shape, {
        natsUrl: nats.url,
        dockerHost: docker.host,
        config: TEST_CONFIG,
        env: { OTEL_EXPORTER_OTLP_ENDPOINT: otlp.endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_BSP_SCHEDULE_DELAY: '200' },
        envOf: (targets) => ({ JARVIS_METRICS_PORT: String(metricsPorts.get(targets.join(','))) }),
      });
      reader = await EventReader.open(nats.url);
    });

    after(async () => {
      await reader?.close().catch(() => undefined);
      await jarvis?.stop().catch(() => undefined);
      await prometheus?.stop().catch(() => undefined);
      await docker?.stop().catch(() => undefined);
      await nats?.stop().catch(() => undefined);
      await otlp?.stop();
      await killAllTracked();
    });

    it('heals a crashed container, and Prometheus reads one succeeded restart from /metrics', async () => {
      await runContainer(docker.docker, { name: 'web', cmd: ['sleep', '100000'], watched: true });
      await sleep(300);
      await crashMainProcess(docker.docker, 'web');
      const resolved = await reader.waitForEvent('IncidentResolved', (e) => e.subject === 'container:web');
      incidentId = resolved.correlationId;
      await waitRunning(docker.docker, 'web');

      const scraped = async (expr: string, expected: number) => {
        const seen = await waitFor(`${expr} in Prometheus`, async () => {
          const value = singleValue(await prometheus.query(expr)) ?? 0;
          return value === expected ? value : undefined;
        }, 30_000, 500).catch(async (error: Error) => `${error.message}; Jarvis exported ${JSON.stringify(await prometheus.query('{__name__=~"jarvis_.*"}'))}`);
        assert.equal(seen, expected);
      };
      await scraped(`sum(${METRIC.actions}{action="restart_container",result="succeeded"})`, 1);
      await scraped(`sum(${METRIC.incidentsOpened}{check="container_state",kind="container"})`, 1);
      await scraped(`sum(${METRIC.decisions}{outcome="execute",action="restart_container"})`, 1);
      await scraped(`sum(${METRIC.mttr}_count{check="container_state",action="restart_container",resolution="remediated"})`, 1);
      await scraped(`sum(${METRIC.incidentsOpen}{target="container:web"})`, 0);
      await scraped(`min(${METRIC.eventStoreUp})`, 1);
      await scraped('count(up{job="jarvis"} == 1)', metricsPorts.size);
    });

    it('counts a message no consumer can decode as rejected, per durable consumer', async () => {
      const nc = await connect({ servers: [nats.url] });
      nc.publish('jarvis.events.detection.recorded', 'this is not json');
      await nc.flush();
      await nc.close();
      const durables = PROCESSOR_SERVICES.map((service) => `jarvis-${service}`);
      const rejected = await waitFor('every durable consumer to count the rejection', async () => {
        const samples = await prometheus.query(`sum by (durable) (${METRIC.rejectedMessages})`);
        return durables.every((d) => samples.some((s) => s.metric['durable'] === d)) ? samples : undefined;
      }, 30_000, 500).catch(async (error: Error) => assert.fail(`${error.message}; scraped ${JSON.stringify(await prometheus.query(METRIC.rejectedMessages))}, up ${JSON.stringify(await prometheus.query('up'))}`));
      assert.deepEqual(Object.fromEntries(rejected.map((s) => [s.metric['durable'], Number(s.value[1])])), Object.fromEntries(durables.map((d) => [d, 1])));
    });

    it('evaluates every PromQL query of the dashboards through Prometheus', async () => {
      const queries = dashboardFiles().flatMap(queriesOf).filter((q) => q.datasourceType === 'prometheus' && !q.text.startsWith('label_values('));
      for (const query of queries) await prometheus.query(withGrafanaVariables(query.text, { target: 'container:web', caseId: incidentId }));
      const open = await prometheus.query(withGrafanaVariables('sum(max by (target, check) (jarvis_incidents_open{target="$target"})) or vector(0)', { target: 'container:web', caseId: incidentId }));
      assert.equal(singleValue(open), 0);
    });

    it('exports one trace for the incident whose spans carry the case, target, check, action, decision and result', async () => {
      const spans = await waitFor('every span of the incident', () => {
        const mine = otlp.spans.filter((s) => s.attributes[ATTR.incidentId] === incidentId);
        const byName = new Map(mine.map((s) => [s.name, s]));
        return CASE_SPANS.every((n) => byName.has(n)) ? byName : undefined;
      }, 30_000);
      const [detect, decide, act, verify, resolve] = CASE_SPANS.map((n) => spans.get(n)!) as [ReceivedSpan, ReceivedSpan, ReceivedSpan, ReceivedSpan, ReceivedSpan];
      assert.equal(new Set([detect, decide, act, verify, resolve].map((s) => s.traceId)).size, 1, 'one trace');
      assert.deepEqual([decide.parentSpanId, act.parentSpanId, verify.parentSpanId, resolve.parentSpanId], [detect.spanId, decide.spanId, act.spanId, verify.spanId]);
      if (shape === 'split') assert.deepEqual([detect.service, decide.service, act.service, verify.service], ['jarvis-monitor', 'jarvis-policy', 'jarvis-executor', 'jarvis-monitor']);
      for (const span of [detect, decide, act, verify, resolve]) {
        assert.equal(span.attributes[ATTR.targetKind], 'container', span.name);
        assert.equal(span.attributes[ATTR.targetId], 'web', span.name);
        assert.equal(span.attributes[ATTR.target], 'container:web', span.name);
        assert.equal(span.attributes[MESSAGING.system], 'nats', span.name);
      }
      assert.equal(detect.attributes[ATTR.check], 'container_state');
      assert.equal(detect.attributes[MESSAGING.operationType], 'send');
      assert.equal(detect.attributes[MESSAGING.destinationName], 'jarvis.events.detection.recorded');
      assert.equal(decide.attributes[ATTR.check], 'container_state');
      assert.equal(decide.attributes[ATTR.decisionOutcome], 'execute');
      assert.equal(decide.attributes[ATTR.action], 'restart_container');
      assert.equal(decide.attributes[MESSAGING.operationType], 'process');
      assert.equal(act.attributes[MESSAGING.destinationName], 'jarvis.events.remediation.decided');
      assert.equal(act.attributes[ATTR.action], 'restart_container');
      assert.equal(act.attributes[ATTR.decisionOutcome], 'execute');
      assert.equal(act.attributes[ATTR.actionResult], 'succeeded');
      assert.equal(verify.attributes[MESSAGING.destinationName], 'jarvis.events.action.succeeded');
      assert.equal(verify.attributes[ATTR.verificationResult], 'passed');
      assert.equal(resolve.attributes[ATTR.resolution], 'remediated');
      assert.equal(resolve.attributes[MESSAGING.operationType], 'send');
    });

    it('does not count the replayed restart again after the executor restarts', async () => {
      const executor = jarvis.processOf('executor');
      await executor.proc.stop('SIGTERM', 20_000);
      await jarvis.restart(executor);
      const port = metricsPorts.get(executor.targets.join(','))!;
      const text = await waitFor('the restarted executor to serve metrics', async () => {
        const body = await (await fetch(`http://127.0.0.1:${port}${METRICS_PATH}`, { signal: AbortSignal.timeout(5_000) })).text();
        return body.includes(METRIC.eventStoreUp) ? body : undefined;
      }, 30_000, 500);
      assert.doesNotMatch(text, new RegExp(`^${METRIC.actions}\\{`, 'm'), 'no action counted by a replay');
      assert.match(text, new RegExp(`^${METRIC.consumerPending}\\{durable="jarvis-executor"\\} 0$`, 'm'), text);
    });
  });
}
