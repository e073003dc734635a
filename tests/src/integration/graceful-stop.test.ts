import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startDockerd, type DockerHarness } from '../support/docker-harness.js';
import { startJarvis, type JarvisDeployment, type Shape } from '../support/jarvis-harness.js';
import { startNats, type NatsHarness } from '../support/nats-harness.js';
import { bringNatsBack } from '../support/nats-outage.js';
import { exitWithin, killAllTracked, type TrackedProcess } from '../support/processes.js';

const CONFIG = 'watch:\n  reconcileIntervalSeconds: 5\nlifecycle:\n  shutdownTimeoutSeconds: 10\n';

for (const shape of ['all-in-one', 'split'] as Shape[]) {
  describe(`SIGTERM (${shape})`, { timeout: 180_000 }, () => {
    let nats: NatsHarness;
    let docker: DockerHarness;
    let natsBack: TrackedProcess | undefined;
    const deployments: JarvisDeployment[] = [];

    before(async () => {
      [nats, docker] = await Promise.all([startNats(), startDockerd()]);
    });

    after(async () => {
      await Promise.all(deployments.map((d) => d.stop().catch(() => undefined)));
      await natsBack?.stop();
      await docker?.stop().catch(() => undefined);
      await nats?.stop().catch(() => undefined);
      await killAllTracked();
    });

    async function deploy(): Promise<JarvisDeployment> {
      const jarvis = await startJarvis(shape, { natsUrl: nats.url, dockerHost: docker.host, config: CONFIG });
      deployments.push(jarvis);
      return jarvis;
    }

    it('stops every process with exit 0 while NATS is up', async () => {
      const jarvis = await deploy();
      for (const { proc } of jarvis.processes) process.kill(proc.pid, 'SIGTERM');
      for (const { proc, targets } of jarvis.processes) {
        assert.equal(await exitWithin(proc, 15_000), 0, `${targets.join(',')}:\n${proc.log().slice(-3000)}`);
        assert.match(proc.log(), /jarvis: SIGTERM received, stopping\n(.|\n)*jarvis: stopped\n/);
      }
    });

    it('exits within 15 s while NATS is unreachable, saying what it cut short', async () => {
      const jarvis = await deploy();
      await nats.process().stop('SIGTERM');
      await sleep(1000);
      for (const { proc } of jarvis.processes) process.kill(proc.pid, 'SIGTERM');
      for (const { proc, targets } of jarvis.processes) {
        const code = await exitWithin(proc, 15_000);
        assert.notEqual(code, 'running', `${targets.join(',')} did not exit:\n${proc.log().slice(-3000)}`);
        const log = proc.log();
        if (code === 0) assert.match(log, /jarvis: stopped\n/);
        else assert.match(log, /may be lost: /, `${targets.join(',')} exited ${code} without saying what was lost:\n${log.slice(-3000)}`);
      }
    });

    it('exits at once on a second SIGTERM during a stop that waits for NATS', async () => {
      natsBack = await bringNatsBack(nats);
      const jarvis = await deploy();
      await natsBack.stop('SIGTERM');
      await sleep(1000);
      const { proc } = jarvis.processes[0]!;
      process.kill(proc.pid, 'SIGTERM');
      await sleep(500);
      process.kill(proc.pid, 'SIGTERM');
      // Well inside the 10 s stop deadline: the second signal did not wait for it.
      assert.equal(await exitWithin(proc, 5_000), 1, proc.log().slice(-3000));
      assert.match(proc.log(), /jarvis: second SIGTERM, exiting now/);
    });
  });
}
