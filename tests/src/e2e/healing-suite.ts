import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { connect } from '@nats-io/transport-node';
import type { ApiErrorBody, JarvisEvent } from '@jarvis/contracts';
import { crashMainProcess, execIn, runContainer, startDockerd, waitRunning, type DockerHarness } from '../support/docker-harness.js';
import { EventReader, ofIncident, timeline, typesOf } from '../support/event-reader.js';
import { startJarvis, type JarvisDeployment, type Shape } from '../support/jarvis-harness.js';
import { startNats, type NatsHarness } from '../support/nats-harness.js';
import { OtlpReceiver } from '../support/otlp-receiver.js';
import { killAllTracked, waitFor } from '../support/processes.js';

export const TEST_CONFIG = `
watch:
  containers: [named-in-config]
  reconcileIntervalSeconds: 5
policy:
  breaker: { maxAttempts: 3, windowSeconds: 600 }
  backoff: { initialMs: 200, maxMs: 800 }
executor:
  restartStopTimeoutSeconds: 3
verification:
  stableForMs: 1500
  timeoutSeconds: 20
`;

const HEALED = ['DetectionRecorded', 'IncidentOpened', 'RemediationDecided', 'ActionStarted', 'ActionSucceeded', 'VerificationPassed', 'IncidentResolved'];

/** The walking skeleton's end-to-end scenarios, run against real nats-server and dockerd in one shape. */
export function healingSuite(shape: Shape): void {
  describe(`healing a crashed container (${shape})`, { timeout: 300_000 }, () => {
    let nats: NatsHarness;
    let docker: DockerHarness;
    let otlp: OtlpReceiver;
    let jarvis: JarvisDeployment;
    let reader: EventReader;

    before(async () => {
      [nats, docker] = await Promise.all([startNats(), startDockerd()]);
      otlp = new OtlpReceiver();
      await otlp.start();
      jarvis = await startJarvis(shape, {
        natsUrl: nats.url,
        dockerHost: docker.host,
        config: TEST_CONFIG,
        env: { OTEL_EXPORTER_OTLP_ENDPOINT: otlp.endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_BSP_SCHEDULE_DELAY: '200' },
      });
      reader = await EventReader.open(nats.url);
    });

    after(async () => {
      await reader?.close().catch(() => undefined);
      await jarvis?.stop().catch(() => undefined);
      await docker?.stop().catch(() => undefined);
      await nats?.stop().catch(() => undefined);
      await otlp?.stop();
      await killAllTracked();
    });

    it('rejects invalid messages with the field named, without stalling the stream', async () => {
      const nc = await connect({ servers: [nats.url] });
      nc.publish('jarvis.events.detection.recorded', 'this is not json');
      const bad = { id: '3b7f3c1e-9d2a-4f7e-8a47-0b2f2a3c4d5e', type: 'DetectionRecorded', version: 1, source: 'monitor', time: new Date().toISOString(), subject: 'container:x', correlationId: '3b7f3c1e-9d2a-4f7e-8a47-0b2f2a3c4d5f', causationId: null, data: { target: { kind: 'container', name: '../etc' }, check: 'container_state', status: 'failed', reason: 'x', faultAt: new Date().toISOString() } };
      nc.publish('jarvis.events.detection.recorded', JSON.stringify(bad));
      await nc.flush();
      await nc.close();
      await waitFor('the rejection to be logged by the policy', () => /jarvis-policy: rejected message seq \d+ \(\d+ rejected since start\): data\.target\.id: must be a Docker container name.*\(read from version 1\)/.test(jarvis.logs()));
      assert.match(jarvis.logs(), /rejected message seq \d+ \(\d+ rejected since start\): \(root\): not valid JSON/);
    });

    it('restarts a watched container whose main process was killed, verifies it, resolves one incident in one trace', async () => {
      await runContainer(docker.docker, { name: 'web', cmd: ['sleep', '100000'], watched: true });
      await runContainer(docker.docker, { name: 'bystander', cmd: ['sleep', '100000'] });
      await sleep(300);
      const crashedAt = await crashMainProcess(docker.docker, 'web');
      await crashMainProcess(docker.docker, 'bystander');

      const resolved = await reader.waitForEvent('IncidentResolved', (e) => e.subject === 'container:web');
      const incident = ofIncident(await reader.events(), resolved.correlationId);
      assert.deepEqual(typesOf(incident), HEALED, timeline(incident));
      assert.equal(resolved.data.resolution, 'remediated');
      const decision = incident.find((e) => e.type === 'RemediationDecided') as Extract<JarvisEvent, { type: 'RemediationDecided' }>;
      assert.equal(decision.data.outcome, 'execute');
      assert.equal(decision.data.rule, 'auto_remediation');
      for (const event of incident.slice(1)) assert.ok(incident.some((e) => e.id === event.causationId), `${event.type} has a causation id inside the incident`);

      const info = await waitRunning(docker.docker, 'web');
      assert.ok(Date.parse(info.State.StartedAt) > crashedAt.getTime(), 'web was started again after the crash');

      const spans = await waitFor('detect, decide, act, verify spans of the incident', () => {
        const mine = otlp.spans.filter((s) => s.attributes['jarvis.incident.id'] === resolved.correlationId);
        const byName = new Map(mine.map((s) => [s.name, s]));
        return ['jarvis.detect', 'jarvis.decide', 'jarvis.act', 'jarvis.verify', 'jarvis.incident.resolve'].every((n) => byName.has(n)) ? byName : undefined;
      });
      const [detect, decide, act, verify, resolve] = ['jarvis.detect', 'jarvis.decide', 'jarvis.act', 'jarvis.verify', 'jarvis.incident.resolve'].map((n) => spans.get(n)!);
      assert.equal(new Set([detect!.traceId, decide!.traceId, act!.traceId, verify!.traceId, resolve!.traceId]).size, 1, 'one trace');
      assert.equal(decide!.parentSpanId, detect!.spanId);
      assert.equal(act!.parentSpanId, decide!.spanId);
      assert.equal(verify!.parentSpanId, act!.spanId);
      assert.equal(resolve!.parentSpanId, verify!.spanId);
      if (shape === 'split') assert.equal(new Set([detect!.service, decide!.service, act!.service]).size, 3, 'spans came from three processes');
    });

    it('watches a container named in jarvis.yaml without any label', async () => {
      await runContainer(docker.docker, { name: 'named-in-config', cmd: ['sleep', '100000'] });
      await sleep(300);
      await crashMainProcess(docker.docker, 'named-in-config');
      const resolved = await reader.waitForEvent('IncidentResolved', (e) => e.subject === 'container:named-in-config');
      assert.equal(resolved.data.resolution, 'remediated');
      await waitRunning(docker.docker, 'named-in-config');
    });

    it('never touches a container that is not watched', async () => {
      const events = await reader.events((e) => e.subject === 'container:bystander');
      assert.deepEqual(events, []);
      const info = await docker.docker.getContainer('bystander').inspect();
      assert.equal(info.State.Running, false);
    });

    it('answers status and diagnose over HTTP', async () => {
      const status = (await (await fetch(`http://127.0.0.1:${jarvis.httpPort}/api/jarvis/status`)).json()) as {
        status: string;
        services: { service: string; status: string }[];
        watchedTargets: { target: string }[];
      };
      assert.equal(status.status, 'ok');
      assert.deepEqual(status.services.map((s) => `${s.service}:${s.status}`).sort(), ['audit:up', 'config-editor:up', 'executor:up', 'gateway:up', 'monitor:up', 'policy:up']);
      assert.deepEqual(status.watchedTargets.map((t) => t.target).sort(), ['container:named-in-config', 'container:web']);
      const response = await fetch(`http://127.0.0.1:${jarvis.httpPort}/api/jarvis/diagnose`, { method: 'POST' });
      assert.equal(response.status, 200);
      const diagnose = (await response.json()) as { results: { target: string; status: string }[] };
      assert.deepEqual(diagnose.results.map((r) => `${r.target}:${r.status}`).sort(), ['container:named-in-config:ok', 'container:web:ok']);
      const incidents = (await (await fetch(`http://127.0.0.1:${jarvis.httpPort}/api/jarvis/incidents?status=resolved`)).json()) as { incidents: { target: string; mttdMs: number }[] };
      assert.deepEqual(incidents.incidents.map((i) => i.target).sort(), ['container:named-in-config', 'container:web']);
      assert.ok(incidents.incidents.every((i) => i.mttdMs < 5000));
    });

    it('rejects bad API input with the field and the reason', async () => {
      const base = `http://127.0.0.1:${jarvis.httpPort}/api/jarvis`;
      const badQuery = await fetch(`${base}/incidents?status=bogus&limit=5000`);
      assert.equal(badQuery.status, 400);
      const { error } = (await badQuery.json()) as ApiErrorBody;
      assert.equal(error.code, 'invalid_request');
      assert.ok(error.fields.some((f) => f.field === 'status' && /^must be one of the following values/.test(f.reason)), JSON.stringify(error));
      assert.ok(error.fields.some((f) => f.field === 'limit' && f.reason === 'must not be greater than 1000'), JSON.stringify(error));
      assert.equal((await fetch(`${base}/incidents/not-a-uuid`)).status, 400);
      const missing = await fetch(`${base}/incidents/3b7f3c1e-9d2a-4f7e-8a47-0b2f2a3c4d5e`);
      assert.equal(missing.status, 404);
      assert.equal(((await missing.json()) as ApiErrorBody).error.code, 'not_found');
    });

    it('leaves a watched container alone when its owner stops it through the Docker API', async () => {
      await runContainer(docker.docker, { name: 'paused-by-owner', cmd: ['sleep', '100000'], watched: true });
      await sleep(300);
      await docker.docker.getContainer('paused-by-owner').stop({ t: 1 });
      const stopped = await reader.waitForEvent('DetectionRecorded', (e) => e.subject === 'container:paused-by-owner');
      assert.equal(stopped.data.status, 'stopped');
      await sleep(6000);
      const opened = await reader.events((e) => e.type === 'IncidentOpened' && e.subject === 'container:paused-by-owner');
      assert.deepEqual(opened, [], 'no incident after a reconciliation pass');
      assert.equal((await docker.docker.getContainer('paused-by-owner').inspect()).State.Running, false);
    });

    it('stops restarting a crash-looping container at the breaker limit and escalates', async () => {
      await runContainer(docker.docker, { name: 'looper', cmd: ['sh', '-c', 'sleep 0.4; exit 3'], watched: true });
      const escalated = await reader.waitForEvent('IncidentEscalated', (e) => e.subject === 'container:looper', 60_000);
      assert.equal(escalated.data.rule, 'circuit_breaker');
      await sleep(3000);
      const incident = ofIncident(await reader.events(), escalated.correlationId);
      const started = incident.filter((e) => e.type === 'ActionStarted');
      assert.equal(started.length, 3, timeline(incident));
      const decisions = incident.filter((e): e is Extract<JarvisEvent, { type: 'RemediationDecided' }> => e.type === 'RemediationDecided');
      assert.deepEqual(decisions.map((d) => d.data.outcome), ['execute', 'execute', 'execute', 'denied']);
      const delays = decisions.slice(0, 3).map((d) => Date.parse(d.data.notBefore) - Date.parse(d.time));
      assert.deepEqual(delays, [0, 200, 400], 'backoff doubles between tries');
      for (const d of decisions.slice(0, 3)) {
        const start = started.find((e) => e.causationId === d.id)!;
        assert.ok(Date.parse(start.time) >= Date.parse(d.data.notBefore), `action started ${start.time}, not before ${d.data.notBefore}`);
      }
      assert.equal(incident.filter((e) => e.type === 'VerificationFailed').length, 3);
      const info = await docker.docker.getContainer('looper').inspect();
      assert.equal(info.State.Running, false, 'left stopped after escalation');
    });

    it('keeps counting toward the breaker across a kill -9 and restart of the policy service', async () => {
      await runContainer(docker.docker, { name: 'looper2', cmd: ['sh', '-c', 'sleep 0.4; exit 3'], watched: true });
      await waitFor('two restarts of looper2', async () => (await reader.events((e) => e.type === 'ActionStarted' && e.subject === 'container:looper2')).length >= 2, 60_000, 100);
      const policy = jarvis.processOf('policy');
      await policy.proc.kill9();
      await jarvis.restart(policy);
      const escalated = await reader.waitForEvent('IncidentEscalated', (e) => e.subject === 'container:looper2', 90_000);
      const restarts = (await reader.events((e) => e.type === 'ActionStarted' && e.subject === 'container:looper2')).length;
      assert.equal(restarts, 3, timeline(ofIncident(await reader.events(), escalated.correlationId)));
    });

    it('does a restart exactly once when the executor is killed -9 while it is in flight', async () => {
      await runContainer(docker.docker, {
        name: 'hung',
        cmd: ['sh', '-c', 'touch /tmp/ok; exec sleep 100000'],
        watched: true,
        healthcheck: { test: ['CMD', 'test', '-f', '/tmp/ok'], intervalMs: 500, retries: 1 },
      });
      await waitRunning(docker.docker, 'hung', true);
      const since = Math.floor(Date.now() / 1000);
      await execIn(docker.docker, 'hung', ['rm', '/tmp/ok']);
      await waitFor('ActionStarted for hung', async () => (await reader.events((e) => e.type === 'ActionStarted' && e.subject === 'container:hung')).length > 0, 30_000, 50);
      const executor = jarvis.processOf('executor');
      await executor.proc.kill9();
      await jarvis.restart(executor);

      const resolved = await reader.waitForEvent('IncidentResolved', (e) => e.subject === 'container:hung', 90_000);
      const incident = ofIncident(await reader.events(), resolved.correlationId);
      const story = timeline(incident);
      assert.equal(incident.filter((e) => e.type === 'ActionStarted').length, 1, story);
      assert.equal(incident.filter((e) => e.type === 'ActionSucceeded').length, 1, story);
      assert.equal(incident.filter((e) => e.type === 'ActionFailed').length, 0, story);
      await waitRunning(docker.docker, 'hung', true);
      const restarts = await engineEvents(docker, 'hung', since, 'restart');
      assert.equal(restarts, 1, 'the engine restarted the container once');
    });
  });
}

async function engineEvents(docker: DockerHarness, name: string, since: number, action: string): Promise<number> {
  const until = Math.ceil(Date.now() / 1000) + 1;
  const stream = (await docker.docker.getEvents({ since, until, filters: { container: [name], event: [action] } })) as NodeJS.ReadableStream;
  let body = '';
  for await (const chunk of stream) body += chunk.toString();
  return body.split('\n').filter((l) => l.trim()).length;
}
