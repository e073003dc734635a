import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { containerTarget } from '@jarvis/contracts';
import { ContainerEventStream, DockerodeRuntime, type ContainerEvent } from '@jarvis/docker';
import { WatchConfig } from '@jarvis/config';
import { RestartContainer, RestartContainerParams } from '@jarvis/registry';
import { crashMainProcess, execIn, runContainer, startDockerd, waitRunning, type DockerHarness } from '../support/docker-harness.js';
import { killAllTracked, waitFor } from '../support/processes.js';

describe('Docker adapter against a real dockerd', { timeout: 120_000 }, () => {
  let docker: DockerHarness;
  let runtime: DockerodeRuntime;
  const events: ContainerEvent[] = [];
  let stream: ContainerEventStream;

  before(async () => {
    docker = await startDockerd();
    const limits = { callTimeoutMs: 10_000, endpoint: docker.host };
    runtime = new DockerodeRuntime(docker.docker, limits);
    stream = new ContainerEventStream(docker.docker, limits, { onEvent: (e) => events.push(e), onConnected: () => undefined, onError: () => undefined });
    await stream.start();
  });

  after(async () => {
    stream?.stop();
    await docker?.stop();
    await killAllTracked();
  });

  it('inspects, lists and reports a missing container as null', async () => {
    await runContainer(docker.docker, { name: 'alpha', cmd: ['sleep', '100000'], labels: { role: 'db' } });
    const snapshot = await runtime.inspect('alpha');
    assert.equal(snapshot?.state, 'running');
    assert.equal(snapshot?.labels['role'], 'db');
    assert.equal(snapshot?.health, null);
    assert.ok((await runtime.list()).snapshots.some((s) => s.name === 'alpha'));
    assert.equal(await runtime.inspect('no-such-container'), null);
  });

  it('streams a crash as a die event with the exit code, within a second of the kill', async () => {
    const killedAt = await crashMainProcess(docker.docker, 'alpha');
    const die = await waitFor('die event', () => events.find((e) => e.kind === 'die' && e.name === 'alpha'), 5000, 20);
    assert.equal(die.exitCode, 137);
    assert.equal(die.labels['role'], 'db');
    assert.ok(die.time.getTime() - killedAt.getTime() < 1000, `die reported ${die.time.getTime() - killedAt.getTime()} ms after the kill`);
    assert.ok(!events.some((e) => e.kind === 'kill' && e.name === 'alpha'), 'a crash is not an API kill');
    const snapshot = await runtime.inspect('alpha');
    assert.equal(snapshot?.state, 'exited');
    assert.equal(snapshot?.exitCode, 137);
  });

  it('RestartContainer restarts, knows afterwards that it is done, and verifies it', async () => {
    const watch = Object.assign(new WatchConfig(), { containers: ['alpha'] });
    const action = new RestartContainer(runtime, { watch, stopTimeoutSeconds: 1, graceSeconds: 30, verification: { stableForMs: 500, timeoutMs: 10_000 } });
    const params = new RestartContainerParams();
    const before = new Date();
    assert.deepEqual(await action.reobserve(containerTarget('alpha'), new Date()), { kind: 'fault_holds' });
    assert.equal(await action.alreadyDone(containerTarget('alpha'), params, before), false);
    const { result } = await action.execute(containerTarget('alpha'), params, AbortSignal.timeout(30_000));
    assert.match(result, /restarted; now running/);
    assert.equal(await action.alreadyDone(containerTarget('alpha'), params, before), true);
    const verdict = await waitFor('verification', async () => {
      const v = await action.verify(containerTarget('alpha'), params, before, new Date());
      return v.kind === 'pending' ? undefined : v;
    }, 10_000, 100);
    assert.equal(verdict.kind, 'passed');
    await assert.rejects(action.execute(containerTarget('no-such-container'), params, AbortSignal.timeout(30_000)), /no such container/i);
  });

  it('streams health_status transitions and API kills', async () => {
    await runContainer(docker.docker, {
      name: 'beta',
      cmd: ['sh', '-c', 'touch /tmp/ok; exec sleep 100000'],
      healthcheck: { test: ['CMD', 'test', '-f', '/tmp/ok'], intervalMs: 300, retries: 1 },
    });
    await waitRunning(docker.docker, 'beta', true);
    await execIn(docker.docker, 'beta', ['rm', '/tmp/ok']);
    const unhealthy = await waitFor('unhealthy event', () => events.find((e) => e.kind === 'health_status' && e.name === 'beta' && e.healthStatus === 'unhealthy'), 10_000, 50);
    assert.ok(unhealthy);
    const snapshot = await runtime.inspect('beta');
    assert.equal(snapshot?.health?.status, 'unhealthy');
    assert.ok(snapshot?.health?.firstFailureAt, 'the first failing probe is known');
    await docker.docker.getContainer('beta').stop({ t: 0 });
    await waitFor('kill event from the API stop', () => events.find((e) => e.kind === 'kill' && e.name === 'beta'), 5000, 20);
  });
});
