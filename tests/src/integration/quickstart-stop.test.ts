import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { REPO_ROOT } from '../support/jarvis-harness.js';
import { descendantsOf, isAlive, type ProcessInfo } from '../support/process-tree.js';
import { freePort, killAllTracked, spawnTracked, waitFor, type TrackedProcess } from '../support/processes.js';

/** `npm start` as a supervisor runs it: npm is the process it knows, and SIGTERM goes to npm only. */
describe('npm start stopped by SIGTERM to the npm process', { timeout: 180_000 }, () => {
  let npm: TrackedProcess | undefined;
  let below: ProcessInfo[] = [];

  after(async () => {
    for (const p of below) if (isAlive(p.pid)) process.kill(p.pid, 'SIGKILL');
    await npm?.stop('SIGKILL', 5000);
    await killAllTracked();
  });

  it('stops the quickstart script, the nats-server it started and Jarvis', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jarvis-quickstart-'));
    const [natsPort, monitorPort, httpPort] = [await freePort(), await freePort(), await freePort()];
    const env: NodeJS.ProcessEnv = {
      // NATS_URL would make the script use that server instead of starting its own.
      ...Object.fromEntries(Object.entries(process.env).filter(([key]) => key !== 'NATS_URL')),
      JARVIS_DATA_DIR: join(dir, 'data'),
      JARVIS_NATS_PORT: String(natsPort),
      JARVIS_NATS_MONITOR_PORT: String(monitorPort),
      JARVIS_HTTP_PORT: String(httpPort),
      // No engine at all: Jarvis starts anyway, and the test never touches the host's Docker.
      DOCKER_HOST: `unix://${join(dir, 'no-docker.sock')}`,
    };
    npm = spawnTracked('npm', ['start'], { env, cwd: REPO_ROOT, logFile: join(dir, 'npm.log') });
    await waitFor('Jarvis to start under npm start', () => {
      if (npm!.child.exitCode !== null) throw new Error(`npm exited with ${npm!.child.exitCode}:\n${npm!.log()}`);
      return npm!.log().includes('started ');
    }, 120_000, 200);

    below = descendantsOf(npm.pid);
    const script = below.find((p) => p.comm === 'bash' && p.cmdline.includes('quickstart.sh'));
    const nats = below.find((p) => p.comm === 'nats-server');
    const jarvis = below.find((p) => p.cmdline.includes('jarvis.js start'));
    assert.ok(script && nats && jarvis, `script, nats-server and Jarvis run below npm:\n${below.map((p) => `${p.pid} ${p.comm} ${p.cmdline}`).join('\n')}`);
    assert.ok(nats.cmdline.includes(`-p ${natsPort}`), 'the script used the port it was given');

    process.kill(npm.pid, 'SIGTERM');
    await npm.exited();
    const left = await waitFor('the script, nats-server and Jarvis to stop', () => [script, nats, jarvis].every((p) => !isAlive(p.pid)) || undefined, 20_000, 200).catch(
      () => [script, nats, jarvis].filter((p) => isAlive(p.pid)),
    );
    assert.equal(left, true, `still running 20 s after SIGTERM to npm: ${JSON.stringify(left)}\n${npm.log()}`);
    assert.match(npm.log(), /npm \(pid \d+\) is gone: stopping/);
  });
});
