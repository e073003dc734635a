import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { METRIC, METRICS_PATH } from '@jarvis/metrics';
import { runJarvisCli, type CliResult } from '../support/jarvis-cli.js';
import { JARVIS_BIN, REPO_ROOT } from '../support/jarvis-harness.js';
import { startNats, type NatsHarness } from '../support/nats-harness.js';
import { freePort, killAllTracked, spawnTracked, waitFor } from '../support/processes.js';

const dir = mkdtempSync(join(tmpdir(), 'jarvis-metrics-'));

function jarvisStart(targets: string, env: NodeJS.ProcessEnv): Promise<CliResult> {
  return runJarvisCli(['start', '--target', targets], { JARVIS_DATA_DIR: join(dir, 'data'), ...env });
}

describe('the /metrics listener of a Jarvis process', { timeout: 120_000 }, () => {
  let nats: NatsHarness;

  before(async () => {
    nats = await startNats();
  });

  after(async () => {
    await nats?.stop();
    await killAllTracked();
  });

  it('refuses a JARVIS_METRICS_PORT that is not a port, before connecting anywhere', async () => {
    const result = await jarvisStart('audit', { NATS_URL: 'nats://127.0.0.1:1', JARVIS_METRICS_PORT: 'ninety' });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /JARVIS_METRICS_PORT: "ninety" is not a port number/);
  });

  it('exits with 2, naming the address, when the metrics port is taken', async () => {
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      const result = await jarvisStart('audit', { NATS_URL: nats.url, JARVIS_METRICS_PORT: String(port), JARVIS_CONFIG: '' });
      assert.equal(result.status, 2, result.stderr);
      assert.match(result.stderr, new RegExp(`metrics: cannot listen on 127\\.0\\.0\\.1:${port} \\(.*EADDRINUSE`));
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it('serves GET /metrics on the configured loopback port while running, and nothing else, and closes it on stop', async () => {
    const port = await freePort();
    const config = join(dir, 'jarvis.yaml');
    writeFileSync(config, `metrics:\n  enabled: true\n  port: ${port}\n`);
    const proc = spawnTracked(process.execPath, [JARVIS_BIN, 'start', '--target', 'audit,config-editor'], {
      env: { ...process.env, NATS_URL: nats.url, JARVIS_CONFIG: config, JARVIS_DATA_DIR: join(dir, 'data') },
      logFile: join(dir, 'metrics.log'),
      cwd: REPO_ROOT,
    });
    await waitFor('jarvis to start', () => proc.log().includes('started '), 30_000);
    assert.match(proc.log(), new RegExp(`metrics at http://127\\.0\\.0\\.1:${port}/metrics`));
    const response = await fetch(`http://127.0.0.1:${port}${METRICS_PATH}`, { signal: AbortSignal.timeout(5_000) });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain/);
    const text = await response.text();
    assert.match(text, new RegExp(`^${METRIC.eventStoreUp} 1$`, 'm'), text);
    assert.match(text, new RegExp(`^${METRIC.consumerPending}\\{durable="jarvis-audit"\\} \\d+$`, 'm'), text);
    assert.match(text, new RegExp(`^${METRIC.consumerPending}\\{durable="jarvis-config-editor"\\} \\d+$`, 'm'), text);
    assert.equal((await fetch(`http://127.0.0.1:${port}/api/jarvis/status`)).status, 404);
    assert.equal((await fetch(`http://127.0.0.1:${port}${METRICS_PATH}`, { method: 'POST' })).status, 405);
    assert.equal(await proc.stop('SIGTERM'), 0);
    await assert.rejects(fetch(`http://127.0.0.1:${port}${METRICS_PATH}`, { signal: AbortSignal.timeout(5_000) }));
  });
});
