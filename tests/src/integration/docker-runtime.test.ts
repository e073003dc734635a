import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { containerTarget } from '@jarvis/contracts';
import { ContainerEventStream, DockerodeRuntime, type ContainerEvent } from '@jarvis/docker';
import { RestartContainer } from '@jarvis/remediation';
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

  it('RestartContainer restarts, and knows afterwards that it is done', async () => {
    const action = new RestartContainer(runtime, 1);
    const before = new Date();
    assert.equal(await action.alreadyDone(containerTarget('alpha'), before), false);
    const { result } = await action.execute(containerTarget('alpha'));
    assert.match(result, /restarted; now running/);
    assert.equal(await action.alreadyDone(containerTarget('alpha'), before), true);
    await assert.rejects(action.execute(containerTarget('no-such-container')), /no such container/i);
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
