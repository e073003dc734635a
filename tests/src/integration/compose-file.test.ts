import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SERVICE_NAMES } from '@jarvis/contracts';
import { REPO_ROOT } from '../support/jarvis-harness.js';

describe('docker-compose files', () => {
  for (const file of ['docker-compose.yml', 'docker-compose.split.yml']) {
    it(`${file} passes docker-compose config`, () => {
      const result = spawnSync('docker-compose', ['-f', file, 'config', '-q'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000 });
      assert.equal(result.error, undefined, `docker-compose could not run: ${result.error?.message}`);
      assert.equal(result.status, 0, result.stderr);
    });
  }

  it('docker-compose.split.yml runs each service through its own built app, apps/<service>/dist/main.js', () => {
    const result = spawnSync('docker-compose', ['-f', 'docker-compose.split.yml', 'config'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000 });
    assert.equal(result.status, 0, result.stderr);
    const entryPoints = new Map(
      [...result.stdout.matchAll(/^ {2}([a-z-]+):\n(?: {4}.*\n)*? {4}entrypoint:\n {4}- node\n {4}- (\S+)$/gm)].map((m) => [m[1]!, m[2]!]),
    );
    assert.deepEqual([...entryPoints.keys()].sort(), [...SERVICE_NAMES].sort());
    for (const [service, file] of entryPoints) {
      assert.equal(file, `apps/${service}/dist/main.js`, service);
      assert.ok(existsSync(join(REPO_ROOT, file)), `${file} is built`);
    }
  });

  it('runs NATS and Jarvis, Jarvis talking to NATS by service name', () => {
    const result = spawnSync('docker-compose', ['-f', 'docker-compose.yml', 'config'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000 });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^ {2}nats:$/m);
    assert.match(result.stdout, /^ {2}jarvis:$/m);
    assert.match(result.stdout, /NATS_URL: nats:\/\/nats:4222/);
  });
});
