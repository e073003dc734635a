import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { JarvisEvent } from '@jarvis/contracts';
import { crashMainProcess, runContainer, startDockerd, TEST_IMAGE, waitRunning, type DockerHarness } from '../support/docker-harness.js';
import { EventReader, ofIncident, timeline } from '../support/event-reader.js';
import { startJarvis, type JarvisDeployment, type Shape } from '../support/jarvis-harness.js';
import { startNats, type NatsHarness } from '../support/nats-harness.js';
import { killAllTracked, waitFor } from '../support/processes.js';
import { StallingDockerProxy } from '../support/stalling-docker-proxy.js';

const run = promisify(execFile);
const RECONCILE_SECONDS = 3;

const CONFIG = `
watch:
  reconcileIntervalSeconds: ${RECONCILE_SECONDS}
policy:
  breaker: { maxAttempts: 2, windowSeconds: 600 }
  backoff: { initialMs: 200, maxMs: 400 }
executor:
  restartStopTimeoutSeconds: 1
verification:
  stableForMs: 1500
  timeoutSeconds: 15
docker:
  callTimeoutSeconds: 2
`;

const COMPOSE_FILE = `
version: "2.4"
services:
  web:
    image: ${TEST_IMAGE}
    command: ["sleep", "100000"]
    network_mode: none
    labels: { jarvis.watch: "true" }
  flaky:
    image: ${TEST_IMAGE}
    command: ["sh", "-c", "sleep 1; exit 3"]
    network_mode: none
    labels: { jarvis.watch: "true" }
`;

/** Docker faults and owner actions, with Jarvis talking to a real dockerd through a proxy that can hang. */
export function dockerFaultSuite(shape: Shape): void {
  describe(`Docker faults and owner removals (${shape})`, { timeout: 600_000 }, () => {
    let nats: NatsHarness;
    let docker: DockerHarness;
    let proxy: StallingDockerProxy;
    let jarvis: JarvisDeployment;
    let reader: EventReader;
    let bus: NatsConnection;
    const cli = (command: string, args: string[]) => run(command, args, { env: { ...process.env, DOCKER_HOST: docker.host }, timeout: 120_000 });
    const incidentsOn = async (matches: (subject: string) => boolean) => reader.events((e) => e.type === 'IncidentOpened' && matches(e.subject));
    const history = async (matches: (subject: string) => boolean) => timeline(await reader.events((e) => matches(e.subject)));

    before(async () => {
      [nats, docker] = await Promise.all([startNats(), startDockerd()]);
      proxy = new StallingDockerProxy(docker.host.slice('unix://'.length), docker.dir);
      await proxy.start();
      jarvis = await startJarvis(shape, { natsUrl: nats.url, dockerHost: proxy.host, config: CONFIG });
      reader = await EventReader.open(nats.url);
      bus = await connect({ servers: [nats.url] });
    });

    after(async () => {
      await bus?.close().catch(() => undefined);
      await reader?.close().catch(() => undefined);
      await jarvis?.stop().catch(() => undefined);
      await proxy?.stop().catch(() => undefined);
      await cli('docker-compose', ['-p', 'jt', '-f', join(docker.dir, 'compose.yml'), 'down']).catch(() => undefined);
      await docker?.stop().catch(() => undefined);
      await nats?.stop().catch(() => undefined);
      await killAllTracked();
    });

    it('a container whose API calls hang: its incident escalates, while a crash of another is healed', async () => {
      await runContainer(docker.docker, { name: 'stuck', cmd: ['sleep', '100000'], watched: true });
      await runContainer(docker.docker, { name: 'other', cmd: ['sleep', '100000'], watched: true });
      const stuckId = (await docker.docker.getContainer('stuck').inspect()).Id;
      // The engine hangs for `stuck` right after Jarvis detected its crash: whatever Jarvis asks next never returns.
      const detections = bus.subscribe('jarvis.events.>', {
        callback: (_error, msg) => {
          const event = msg.json<JarvisEvent>();
          if (event.type === 'DetectionRecorded' && event.subject === 'container:stuck') proxy.stall('stuck', stuckId);
        },
      });
      await sleep(300);
      await crashMainProcess(docker.docker, 'stuck');
      await waitFor('a request for stuck to hang', () => proxy.stalledRequests > 0, 30_000);
      detections.unsubscribe();

      await crashMainProcess(docker.docker, 'other');
      const healed = await reader.waitForEvent('IncidentResolved', (e) => e.subject === 'container:other', 60_000);
      assert.equal(healed.data.resolution, 'remediated');
      await waitRunning(docker.docker, 'other');

      const escalated = await reader.waitForEvent('IncidentEscalated', (e) => e.subject === 'container:stuck', 120_000);
      const incident = ofIncident(await reader.events(), escalated.correlationId);
      const failures = incident.filter((e): e is Extract<JarvisEvent, { type: 'ActionFailed' }> => e.type === 'ActionFailed');
      assert.ok(failures.length > 0, timeline(incident));
      for (const failure of failures) assert.match(failure.data.error, /container stuck: no answer from the Docker engine at unix:\/\/\S+ within \d+s/, timeline(incident));
      assert.ok(!incident.some((e) => e.type === 'ActionSucceeded'), timeline(incident));
      assert.equal((await docker.docker.getContainer('stuck').inspect()).State.Running, false, 'the hung restart never reached the engine');

      const status = (await (await fetch(`http://127.0.0.1:${jarvis.httpPort}/api/jarvis/status`)).json()) as { watchedTargets: { target: string; state: string }[] };
      assert.ok(Array.isArray(status.watchedTargets), JSON.stringify(status.watchedTargets));
      const stuck = status.watchedTargets.find((t) => t.target === 'container:stuck');
      assert.match(stuck?.state ?? '', /^unknown \(inspect of container \w+: no answer/, JSON.stringify(status.watchedTargets));
      assert.doesNotMatch(jarvis.logs(), /Docker events:/, 'the events stream never broke');
      proxy.stall();
    });

    it('docker rm -f of a running watched container opens no incident', async () => {
      await runContainer(docker.docker, { name: 'removed-running', cmd: ['sleep', '100000'], watched: true });
      await sleep(500);
      await cli('docker', ['rm', '-f', 'removed-running']);
      await sleep(2 * RECONCILE_SECONDS * 1000 + 500);
      assert.deepEqual(await incidentsOn((s) => s === 'container:removed-running'), []);
    });

    it('docker rm of a crashed container withdraws its open incident', async () => {
      await runContainer(docker.docker, { name: 'crashy', cmd: ['sh', '-c', 'sleep 1; exit 3'], watched: true });
      const escalated = await reader.waitForEvent('IncidentEscalated', (e) => e.subject === 'container:crashy', 90_000);
      await waitFor('crashy to stay down', async () => !(await docker.docker.getContainer('crashy').inspect()).State.Running, 15_000);
      await cli('docker', ['rm', 'crashy']);
      const withdrawn = await reader.waitForEvent('IncidentResolved', (e) => e.correlationId === escalated.correlationId, 30_000);
      assert.equal(withdrawn.data.resolution, 'withdrawn');
      await sleep(2 * RECONCILE_SECONDS * 1000 + 500);
      assert.equal((await incidentsOn((s) => s === 'container:crashy')).length, 1, await history((s) => s === 'container:crashy'));
    });

    it('docker-compose up --force-recreate and down: no incident, and the open one is withdrawn', async () => {
      const file = join(docker.dir, 'compose.yml');
      writeFileSync(file, COMPOSE_FILE);
      const compose = (...args: string[]) => cli('docker-compose', ['-p', 'jt', '-f', file, ...args]);
      await compose('up', '-d');
      await waitRunning(docker.docker, 'jt_web_1');
      const escalated = await reader.waitForEvent('IncidentEscalated', (e) => e.subject === 'container:jt_flaky_1', 90_000);

      await compose('up', '-d', '--force-recreate', '--no-deps', 'web');
      await waitRunning(docker.docker, 'jt_web_1');
      await sleep(2 * RECONCILE_SECONDS * 1000 + 500);
      assert.deepEqual(await incidentsOn((s) => s.includes('jt_web_1')), [], await history((s) => s.includes('jt_web_1')));

      await compose('down');
      const withdrawn = await reader.waitForEvent('IncidentResolved', (e) => e.correlationId === escalated.correlationId, 30_000);
      assert.equal(withdrawn.data.resolution, 'withdrawn');
      await sleep(2 * RECONCILE_SECONDS * 1000 + 500);
      assert.deepEqual(await incidentsOn((s) => s.includes('jt_web_1')), [], await history((s) => s.includes('jt_web_1')));
      assert.equal((await incidentsOn((s) => s === 'container:jt_flaky_1')).length, 1, await history((s) => s === 'container:jt_flaky_1'));
    });
  });
}
