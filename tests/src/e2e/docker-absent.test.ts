import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { crashMainProcess, runContainer, startDockerd, waitRunning, type DockerHarness } from '../support/docker-harness.js';
import { EventReader } from '../support/event-reader.js';
import { startJarvis, type JarvisDeployment } from '../support/jarvis-harness.js';
import { startNats, type NatsHarness } from '../support/nats-harness.js';
import { killAllTracked, waitFor } from '../support/processes.js';

const RECONCILE_SECONDS = 2;
const CONFIG = `
watch:
  reconcileIntervalSeconds: ${RECONCILE_SECONDS}
executor:
  restartStopTimeoutSeconds: 1
verification:
  stableForMs: 1000
  timeoutSeconds: 15
`;

type Status = { status: string; services: { service: string; status: string }[]; watchedTargets: { error: string } | { target: string }[] };

/** A new user's first start, before Docker is installed or running: say why, say it once, heal once it is there. */
describe('Jarvis started before its Docker engine', { timeout: 300_000 }, () => {
  let nats: NatsHarness;
  let docker: DockerHarness | undefined;
  let jarvis: JarvisDeployment;
  let reader: EventReader;
  const dir = mkdtempSync('/tmp/jd-');
  const socket = join(dir, 'docker.sock');
  const status = async () => (await (await fetch(`http://127.0.0.1:${jarvis.httpPort}/api/jarvis/status`)).json()) as Status;
  const unreachableWarnings = () => jarvis.logs().split('\n').filter((line) => /WARN.*Docker engine unreachable/.test(line));

  before(async () => {
    nats = await startNats();
    jarvis = await startJarvis('all-in-one', { natsUrl: nats.url, dockerHost: `unix://${socket}`, config: CONFIG });
    reader = await EventReader.open(nats.url);
  });

  after(async () => {
    await reader?.close().catch(() => undefined);
    await jarvis?.stop().catch(() => undefined);
    await docker?.stop().catch(() => undefined);
    await nats?.stop().catch(() => undefined);
    await killAllTracked();
  });

  it('answers status with the reason, logs no error and warns once, however long the engine stays away', async () => {
    const first = await status();
    assert.deepEqual(first.watchedTargets, { error: `Docker engine unreachable at unix://${socket}: connect ENOENT ${socket}` });
    assert.equal(first.status, 'degraded');
    assert.equal(first.services.find((s) => s.service === 'monitor')?.status, 'degraded');
    await sleep(6 * RECONCILE_SECONDS * 1000);
    await status();
    assert.equal(unreachableWarnings().length, 1, jarvis.logs());
    assert.doesNotMatch(jarvis.logs(), /ERROR/);
  });

  it('says once that the engine is back, then heals a crashed watched container', async () => {
    docker = await startDockerd(dir);
    await waitFor('the monitor to notice the engine', () => /Docker engine at unix:\/\/\S+ is back/.test(jarvis.logs()), 60_000, 200);
    assert.equal(unreachableWarnings().length, 1, jarvis.logs());
    await waitFor('status to list targets', async () => Array.isArray((await status()).watchedTargets), 15_000, 500);

    await runContainer(docker.docker, { name: 'web', cmd: ['sleep', '100000'], watched: true });
    await sleep(300);
    await crashMainProcess(docker.docker, 'web');
    const resolved = await reader.waitForEvent('IncidentResolved', (e) => e.subject === 'container:web', 60_000);
    assert.equal(resolved.data.resolution, 'remediated');
    await waitRunning(docker.docker, 'web');
    assert.equal((await status()).services.find((s) => s.service === 'monitor')?.status, 'up');
    assert.doesNotMatch(jarvis.logs(), /ERROR/);
  });
});
