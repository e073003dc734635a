import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { JARVIS_BIN, REPO_ROOT } from '../support/jarvis-harness.js';
import { startNats, type NatsHarness } from '../support/nats-harness.js';
import { freePort, killAllTracked, spawnTracked, waitFor } from '../support/processes.js';

const dir = mkdtempSync(join(tmpdir(), 'jarvis-cli-'));

function jarvis(args: string[], env: NodeJS.ProcessEnv = {}): { status: number | null; stderr: string; stdout: string } {
  const result = spawnSync(process.execPath, [JARVIS_BIN, ...args], { env: { ...process.env, NATS_URL: 'nats://127.0.0.1:1', ...env }, encoding: 'utf8', timeout: 30_000 });
  return { status: result.status, stderr: result.stderr, stdout: result.stdout };
}

describe('jarvis command line', { timeout: 120_000 }, () => {
  let nats: NatsHarness;

  before(async () => {
    nats = await startNats();
  });

  after(async () => {
    await nats?.stop();
    await killAllTracked();
  });

  it('prints usage with --help', () => {
    const result = jarvis(['--help']);
    assert.equal(result.status, 0);
    assert.match(result.stdout, /Usage: jarvis start \[--target/);
  });

  it('refuses a bad jarvis.yaml, naming the file, the path in it and the reason', () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'policy:\n  breaker:\n    maxAttempts: 0\nwatch:\n  containers: ["ok", "not/ok"]\n  colour: red\n');
    const result = jarvis(['start'], { JARVIS_CONFIG: file });
    assert.equal(result.status, 2);
    assert.match(result.stderr, new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: invalid configuration`));
    assert.match(result.stderr, /policy\.breaker\.maxAttempts: must not be less than 1/);
    assert.match(result.stderr, /watch\.containers: each entry must be a Docker container name/);
    assert.match(result.stderr, /watch\.colour/);
  });

  it('refuses a missing config file and broken YAML', () => {
    const missing = jarvis(['start'], { JARVIS_CONFIG: join(dir, 'nope.yaml') });
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /nope\.yaml: invalid configuration\n {2}- \(file\): cannot read \(ENOENT\)/);
    const file = join(dir, 'broken.yaml');
    writeFileSync(file, 'watch: [unclosed\n');
    const broken = jarvis(['start'], { JARVIS_CONFIG: file });
    assert.equal(broken.status, 2);
    assert.match(broken.stderr, /broken\.yaml: invalid configuration\n {2}- \(yaml\) line \d+/);
  });

  it('refuses an unknown --target and a bad JARVIS_HTTP_PORT', () => {
    const target = jarvis(['start', '--target', 'monitor,chef']);
    assert.equal(target.status, 2);
    assert.match(target.stderr, /--target: unknown service "chef"/);
    const port = jarvis(['start'], { JARVIS_HTTP_PORT: 'eighty' });
    assert.equal(port.status, 2);
    assert.match(port.stderr, /JARVIS_HTTP_PORT: "eighty" is not a port number/);
  });

  it('says which NATS it cannot reach', () => {
    const result = jarvis(['start', '--target', 'audit'], { NATS_URL: 'nats://user:s3cret@127.0.0.1:1' });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /NATS_URL: cannot connect to nats:\/\/\*\*\*@127\.0\.0\.1:1/);
    assert.doesNotMatch(result.stderr, /s3cret/);
  });

  it('starts with built-in defaults and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const proc = spawnTracked(process.execPath, [JARVIS_BIN, 'start', '--target', 'audit,config-editor,gateway'], {
      env: { ...process.env, NATS_URL: nats.url, JARVIS_HTTP_PORT: String(port), JARVIS_CONFIG: '' },
      logFile: join(dir, 'sigterm.log'),
      cwd: REPO_ROOT,
    });
    await waitFor('jarvis to start', () => proc.log().includes('config built-in defaults'), 30_000);
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    assert.equal(health.status, 200);
    assert.equal(await proc.stop('SIGTERM'), 0);
    assert.match(proc.log(), /SIGTERM received, stopping/);
  });
});
