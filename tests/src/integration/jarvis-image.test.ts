import assert from 'node:assert/strict';
import { chownSync, copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type Docker from 'dockerode';
import type { NatsConnection } from '@nats-io/transport-node';
import { typesOf, timeline } from '../support/event-reader.js';
import { crashMainProcess, runContainer, startDockerd, waitRunning, type DockerHarness } from '../support/docker-harness.js';
import { REPO_ROOT } from '../support/jarvis-harness.js';
import { ensureNodeBaseImage } from '../support/node-base-image.js';
import { OperatorReader } from '../support/operator-reader.js';
import { freePort, killAllTracked, spawnTracked, waitFor } from '../support/processes.js';
import { startSecuredNats, type SecuredNats } from '../support/secured-nats.js';
import { rawRequest, startSocketProxy, type SocketProxy } from '../support/socket-proxy.js';

/**
 * Kept between runs (engine data root, base image, build cache): an unchanged tree rebuilds from cache. Short, as
 * the engine's socket lives in it and a unix socket path must stay under 108 bytes.
 */
const CACHE = process.env['JARVIS_IMAGE_TEST_CACHE'] ?? '/var/cache/jarvis-image-test';
const IMAGE = 'jarvis-test/jarvis:local';
const BUILD_STAGE_IMAGE = 'jarvis-test/jarvis-build:local';
/** The image's user (infra/docker/Dockerfile). */
const JARVIS_UID = 10001;
const HEALED = ['DetectionRecorded', 'IncidentOpened', 'RemediationDecided', 'ActionStarted', 'ActionSucceeded', 'VerificationPassed', 'IncidentResolved'];
const BUILD_TIMEOUT_MS = 20 * 60_000;

describe('the Jarvis image (Node 24, non-root, read-only root) heals a container through the socket proxy', { timeout: BUILD_TIMEOUT_MS + 300_000 }, () => {
  let engine: DockerHarness;
  let nats: SecuredNats;
  let proxy: SocketProxy;
  let operator: NatsConnection;
  let reader: OperatorReader;
  let jarvis: Docker.Container | undefined;
  const work = join(CACHE, 'run');
  const volume = `jarvis-image-test-${process.pid}`;

  before(async () => {
    // The busybox import of the harness goes into the kept folder: its leftovers from a previous run go first.
    for (const leftover of ['rootfs', 'rootfs.tar', 'run']) rmSync(join(CACHE, leftover), { recursive: true, force: true });
    mkdirSync(work, { recursive: true });
    [engine, nats] = await Promise.all([startDockerd(CACHE), startSecuredNats()]);
    proxy = await startSocketProxy(join(CACHE, 'docker.sock'), work);
    operator = await nats.connectAs('operator');
    reader = await OperatorReader.open(operator);
  });

  after(async () => {
    await jarvis?.remove({ force: true }).catch(() => undefined);
    await engine?.docker.getVolume(volume).remove().catch(() => undefined);
    // Superseded builds of the image; the base image and the current build stay cached.
    await engine?.docker.pruneImages({ filters: { dangling: ['true'] } }).catch(() => undefined);
    await operator?.close().catch(() => undefined);
    await proxy?.stop();
    await engine?.stop();
    await nats?.stop();
    await killAllTracked();
    rmSync(work, { recursive: true, force: true });
  });

  it('builds with infra/docker/Dockerfile on a local Node 24 base, as a non-root user', async () => {
    const base = await ensureNodeBaseImage(engine.docker, CACHE);
    // The build stage gets a tag of its own, so that its layers (npm ci, tsc) are not pruned as dangling and an
    // unchanged tree rebuilds from cache.
    for (const [stage, tag] of [['build', BUILD_STAGE_IMAGE], ['runtime', IMAGE]] as const) {
      const build = spawnTracked('docker', ['-H', engine.host, 'build', '--network', 'host', '--build-arg', `NODE_IMAGE=${base}`, '-f', 'infra/docker/Dockerfile', '--target', stage, '-t', tag, '.'], {
        cwd: REPO_ROOT,
        env: { ...process.env, DOCKER_BUILDKIT: '0' },
        logFile: join(work, 'build.log'),
      });
      // Unreferenced: once the build is over, this timer must not keep the test process alive.
      const code = await Promise.race([build.exited(), sleep(BUILD_TIMEOUT_MS, undefined, { ref: false }).then(() => 'timeout' as const)]);
      if (code === 'timeout') await build.stop('SIGTERM', 10_000);
      assert.equal(code, 0, build.log().split('\n').slice(-40).join('\n'));
    }
    const image = await engine.docker.getImage(IMAGE).inspect();
    assert.equal(image.Config.User, `${JARVIS_UID}:${JARVIS_UID}`);
  });

  it('runs read-only without capabilities, logs in as its NATS identity, heals a crashed container, and the proxy refuses create and exec', async () => {
    const httpPort = await freePort();
    const secrets = join(work, 'secrets');
    mkdirSync(secrets, { recursive: true });
    const password = join(secrets, 'jarvis.password');
    copyFileSync(nats.passwordFile('jarvis'), password);
    chownSync(password, JARVIS_UID, JARVIS_UID);
    const config = join(work, 'jarvis.yaml');
    writeFileSync(config, [
      'watch:', '  label: jarvis.watch=true', '  reconcileIntervalSeconds: 5',
      'gateway:', '  host: 127.0.0.1',
      'policy:', '  breaker: { maxAttempts: 3, windowSeconds: 600 }', '  backoff: { initialMs: 200, maxMs: 800 }',
      'executor:', '  restartStopTimeoutSeconds: 3',
      'verification:', '  stableForMs: 1500', '  timeoutSeconds: 20', '',
    ].join('\n'));
    jarvis = await engine.docker.createContainer({
      name: 'jarvis',
      Image: IMAGE,
      Cmd: ['start'],
      Env: [
        `NATS_URL=${nats.url}`,
        'NATS_USER=jarvis',
        'NATS_PASSWORD_FILE=/run/secrets/nats_password_jarvis',
        `DOCKER_HOST=${proxy.host}`,
        `JARVIS_HTTP_PORT=${httpPort}`,
      ],
      HostConfig: {
        NetworkMode: 'host',
        ReadonlyRootfs: true,
        CapDrop: ['ALL'],
        SecurityOpt: ['no-new-privileges:true'],
        Tmpfs: { '/tmp': 'size=16m,mode=1777' },
        Binds: [`${password}:/run/secrets/nats_password_jarvis:ro`, `${config}:/etc/jarvis/jarvis.yaml:ro`, `${volume}:/var/lib/jarvis`],
      },
    });
    await jarvis.start();
    const logs = async () => (await jarvis!.logs({ stdout: true, stderr: true, tail: 60 })).toString('utf8');
    await waitFor('every service up in the container', async () => {
      const status = (await (await fetch(`http://127.0.0.1:${httpPort}/api/jarvis/status`)).json()) as { services: { status: string }[] };
      return status.services.length === 6 && status.services.every((s) => s.status === 'up');
    }, 120_000, 500).catch(async (error: Error) => assert.fail(`${error.message}\n${await logs()}`));

    const info = await jarvis.inspect();
    const uid = /^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${info.State.Pid}/status`, 'utf8'))?.[1];
    assert.equal(Number(uid), JARVIS_UID, 'the Jarvis process runs as the image user');
    assert.match(await logs(), /as user jarvis/);

    await runContainer(engine.docker, { name: 'web', cmd: ['sleep', '100000'], watched: true });
    await sleep(300);
    const crashedAt = await crashMainProcess(engine.docker, 'web');
    const resolved = await reader.waitForEvent('IncidentResolved', (e) => e.subject === 'container:web', 90_000).catch(async (error: Error) => assert.fail(`${error.message}\n${await logs()}`));
    const incident = await reader.events((e) => e.correlationId === resolved.correlationId);
    // The die event and the reconciliation may each record the failure: the steps, each counted once, in order.
    assert.deepEqual(typesOf(incident).filter((type, i, all) => all.indexOf(type) === i), HEALED, timeline(incident));
    const web = await waitRunning(engine.docker, 'web');
    assert.ok(Date.parse(web.State.StartedAt) > crashedAt.getTime(), 'web was started again after the crash');

    const create = await rawRequest(proxy.port, 'POST', '/v1.41/containers/create', { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ Image: IMAGE }) });
    const exec = await rawRequest(proxy.port, 'POST', `/v1.41/containers/${info.Id}/exec`, { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ Cmd: ['sh'] }) });
    assert.deepEqual([create.status, exec.status], [403, 403]);
    assert.deepEqual(nats.violations().filter((line) => !line.includes('User "operator"')), [], await logs());
  });
});
