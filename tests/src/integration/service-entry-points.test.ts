import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SERVICE_NAMES } from '@jarvis/contracts';
import { REPO_ROOT } from '../support/jarvis-harness.js';
import { startNats, type NatsHarness } from '../support/nats-harness.js';
import { freePort, killAllTracked, spawnTracked, waitFor, type TrackedProcess } from '../support/processes.js';

const dir = mkdtempSync(join(tmpdir(), 'jarvis-entry-'));

/** The compiled entry point of one service's own app, as docker-compose.split.yml runs it. */
function entryPoint(service: string): string {
  return join(REPO_ROOT, 'apps', service, 'dist', 'main.js');
}

type ServiceStatus = { service: string; status: string };

describe('per-service entry points (apps/<service>)', { timeout: 120_000 }, () => {
  let nats: NatsHarness;

  before(async () => {
    nats = await startNats();
  });

  after(async () => {
    await nats?.stop();
    await killAllTracked();
  });

  it('each service has a built entry point that loads its module and answers --help', () => {
    for (const service of SERVICE_NAMES) {
      assert.ok(existsSync(entryPoint(service)), `${entryPoint(service)} was not built`);
      const result = spawnSync(process.execPath, [entryPoint(service), '--help'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 30_000 });
      assert.equal(result.status, 0, `${service}: ${result.stderr}`);
      assert.match(result.stdout, /Usage: jarvis start/, service);
    }
  });

  it('services started through their own entry points report healthy through the gateway, and stop cleanly', async () => {
    const port = await freePort();
    const env = { ...process.env, NATS_URL: nats.url, JARVIS_HTTP_PORT: String(port), JARVIS_CONFIG: '', JARVIS_DATA_DIR: join(dir, 'data') };
    const started: TrackedProcess[] = [];
    for (const service of ['audit', 'policy', 'gateway']) {
      const proc = spawnTracked(process.execPath, [entryPoint(service)], { env, cwd: REPO_ROOT, logFile: join(dir, `${service}.log`) });
      started.push(proc);
      await waitFor(`${service} to start through its entry point`, () => {
        if (proc.child.exitCode !== null) throw new Error(`exited with ${proc.child.exitCode}:\n${proc.log()}`);
        return proc.log().includes(`started ${service} `);
      }, 30_000);
    }
    const statuses = await waitFor('audit and policy to answer their health requests', async () => {
      const reply = (await (await fetch(`http://127.0.0.1:${port}/api/jarvis/status`)).json()) as { services: ServiceStatus[] };
      const byService = new Map(reply.services.map((s) => [s.service, s.status]));
      return byService.get('audit') === 'up' && byService.get('policy') === 'up' ? byService : undefined;
    }, 20_000, 250);
    assert.equal(statuses.get('gateway'), 'up');
    assert.equal(statuses.get('executor'), 'down', 'a service nobody started is reported down');
    for (const proc of started.reverse()) assert.equal(await proc.stop('SIGTERM'), 0, proc.log());
  });
});
