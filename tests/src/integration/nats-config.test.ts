import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { REPO_ROOT } from '../support/jarvis-harness.js';

const dir = mkdtempSync(join(tmpdir(), 'jarvis-nats-config-'));
const SYNC_EVERY_WRITE = /^\s*sync_interval:\s*always\s*$/m;
const PICK = join(REPO_ROOT, 'infra', 'nats', 'pick-config.sh');

/** The host file a compose project mounts as the config its nats service starts with, and the image it runs. */
function natsServiceOf(composeFiles: string[]): { image: string; config: string } {
  const composeFile = composeFiles.join(' + ');
  const result = spawnSync('docker-compose', [...composeFiles.flatMap((file) => ['-f', file]), 'config'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000 });
  assert.equal(result.status, 0, result.stderr);
  const service = /^ {2}nats:\n((?: {4}.*\n)+)/m.exec(result.stdout)?.[1] ?? '';
  const configPath = /^ {4}- -c\n {4}- (\S+)$/m.exec(service)?.[1];
  assert.ok(configPath, `${composeFile}: the nats service names no -c config`);
  const mount = new RegExp(`^ {4}- (\\S+):${configPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?::ro)?$`, 'm').exec(service)?.[1];
  assert.ok(mount, `${composeFile}: ${configPath} is not mounted from the repository`);
  return { image: /^ {4}image: (\S+)$/m.exec(service)?.[1] ?? '', config: mount };
}

function pick(server: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync('bash', [PICK, server], { encoding: 'utf8', timeout: 10_000 });
  return { status: result.status, stdout: result.stdout.trim(), stderr: result.stderr };
}

/** Stands in for a nats-server binary of another version: only `--version` is asked of it. */
function serverReporting(version: string): string {
  const file = join(dir, `nats-server-${version.replace(/\W/g, '_')}`);
  writeFileSync(file, `#!/bin/sh\necho "nats-server: ${version}"\n`);
  chmodSync(file, 0o755);
  return file;
}

describe('NATS configs that sync every write', () => {
  for (const files of [['docker-compose.yml'], ['docker-compose.yml', 'docker-compose.split.yml']]) {
    const file = files.join(' + ');
    it(`${file} runs nats 2.10+ with sync_interval: always`, () => {
      const nats = natsServiceOf(files);
      const [, major, minor] = /^nats:(\d+)\.(\d+)/.exec(nats.image) ?? [];
      assert.ok(Number(major) > 2 || (Number(major) === 2 && Number(minor) >= 10), `${file}: image ${nats.image}`);
      assert.match(readFileSync(nats.config, 'utf8'), SYNC_EVERY_WRITE, nats.config);
    });
  }

  it("this machine's nats-server 2.9 accepts the 2.9 config and rejects sync_interval, so the quickstart must pick", () => {
    const env = { ...process.env, JARVIS_NATS_STORE: join(dir, 'store') };
    const old = spawnSync('nats-server', ['-t', '-c', join(REPO_ROOT, 'infra', 'nats', 'nats-server.conf')], { env, encoding: 'utf8', timeout: 10_000 });
    assert.equal(old.status, 0, old.stderr);
    const local = join(REPO_ROOT, 'infra', 'nats', 'nats-server-local-2.10.conf');
    assert.match(readFileSync(local, 'utf8'), SYNC_EVERY_WRITE);
    assert.match(readFileSync(local, 'utf8'), /^listen: 127\.0\.0\.1:4222$/m);
    const version = spawnSync('nats-server', ['--version'], { encoding: 'utf8' }).stdout;
    if (!/v2\.9\./.test(version)) return;
    const rejected = spawnSync('nats-server', ['-t', '-c', local], { env, encoding: 'utf8', timeout: 10_000 });
    assert.notEqual(rejected.status, 0);
    assert.match(rejected.stderr, /unknown field "sync_interval"/);
  });

  it('pick-config.sh picks the 2.9 config for nats-server 2.9, warning about the power-loss window', () => {
    for (const server of [serverReporting('v2.9.10'), serverReporting('v1.4.1')]) {
      const result = pick(server);
      assert.equal(result.status, 0, result.stderr);
      assert.equal(result.stdout, join(REPO_ROOT, 'infra', 'nats', 'nats-server.conf'));
      assert.match(result.stderr, /WARNING: nats-server \d+\.\d+ cannot fsync every write .*power loss can lose up to the last 2 minutes/);
    }
  });

  it('pick-config.sh picks the syncing config for nats-server 2.10 and newer, silently', () => {
    for (const version of ['v2.10.0', 'v2.11.4', 'v2.15.2', 'v3.0.0']) {
      const result = pick(serverReporting(version));
      assert.equal(result.status, 0, result.stderr);
      assert.equal(result.stdout, join(REPO_ROOT, 'infra', 'nats', 'nats-server-local-2.10.conf'), version);
      assert.equal(result.stderr, '', version);
    }
  });

  it("pick-config.sh falls back to the 2.9 config, saying so, when it cannot read the version", () => {
    const result = pick(serverReporting('garbage'));
    assert.equal(result.stdout, join(REPO_ROOT, 'infra', 'nats', 'nats-server.conf'));
    assert.match(result.stderr, /cannot read the version/);
  });

  it('pick-config.sh reads the real nats-server of this machine', () => {
    const result = pick('nats-server');
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /infra\/nats\/nats-server(-local-2\.10)?\.conf$/);
  });
});
