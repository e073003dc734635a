import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
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

/** The binary run asynchronously, so a listener in this process can see whether it tried to connect anywhere. */
function jarvisAsync(args: string[], env: NodeJS.ProcessEnv): Promise<{ status: number | null; stderr: string; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [JARVIS_BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`jarvis ${args.join(' ')} did not exit within 30 s:\n${stderr}`));
    }, 30_000);
    child.once('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

/** A TCP listener standing in for NATS: it counts connection attempts, so a test can show nothing started. */
async function connectionCounter(): Promise<{ url: string; connections(): number; close(): Promise<void> }> {
  let count = 0;
  const server = createServer((socket) => {
    count++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `nats://127.0.0.1:${port}`, connections: () => count, close: () => new Promise((resolve) => server.close(() => resolve())) };
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

  it('prints the list of commands with --help', () => {
    const result = jarvis(['--help']);
    assert.equal(result.status, 0);
    assert.match(result.stdout, /^Usage: jarvis <command> \[options\]\n/);
    assert.match(result.stdout, /^ {2}start +Runs the Jarvis services/m);
  });

  it('prints the version of the package that ships the binary with --version and -V', () => {
    const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'apps', 'jarvis', 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const result = jarvis([flag]);
      assert.deepEqual(result, { status: 0, stdout: `jarvis ${version}\n`, stderr: '' }, flag);
    }
  });

  it('gives start its own help, from `start --help` and `help start`', () => {
    const result = jarvis(['start', '--help']);
    assert.equal(result.status, 0);
    assert.match(result.stdout, /^Usage: jarvis start \[--target <services>\]\n/);
    assert.match(result.stdout, /--target <services> +Comma-separated services to run, from monitor, policy, executor, config-editor, audit, gateway/);
    assert.match(result.stdout, /NATS_URL +NATS server/);
    assert.deepEqual(jarvis(['help', 'start']), result);
  });

  it('answers an unknown command with the closest one, exit code 2', () => {
    const result = jarvis(['strat']);
    assert.equal(result.status, 2);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /^jarvis: unknown command "strat", did you mean start\?\n/);
    const option = jarvis(['start', '--targte', 'audit']);
    assert.equal(option.status, 2);
    assert.match(option.stderr, /^jarvis start: unknown option --targte, did you mean --target\?\n/);
  });

  it('refuses a config with a typo and a wrong type before starting anything, with every problem on stderr', async () => {
    const file = join(dir, 'typo.yaml');
    writeFileSync(file, 'polcy:\n  autoRestart: false\nwatch:\n  reconcileIntervalSeconds: often\n');
    const nats = await connectionCounter();
    try {
      const result = await jarvisAsync(['start'], { NATS_URL: nats.url, JARVIS_CONFIG: file });
      assert.equal(result.status, 2);
      assert.equal(result.stdout, '', 'no service logged a start');
      assert.equal(
        result.stderr,
        `jarvis: ${file}: invalid configuration\n  - polcy: unknown key, did you mean policy?\n  - watch.reconcileIntervalSeconds: must be an integer, got the string "often"\n`,
      );
      assert.equal(nats.connections(), 0, 'no connection to NATS was attempted');
    } finally {
      await nats.close();
    }
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

  it('refuses a missing config file, saying how to fix it, and broken YAML', () => {
    const missing = jarvis(['start'], { JARVIS_CONFIG: join(dir, 'nope.yaml') });
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /nope\.yaml: configuration file not found\n {2}- \(file\): ENOENT: create it \(infra\/config\/jarvis\.sample\.yaml is a commented example/);
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
      env: { ...process.env, NATS_URL: nats.url, JARVIS_HTTP_PORT: String(port), JARVIS_CONFIG: '', JARVIS_DATA_DIR: join(dir, 'data') },
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
