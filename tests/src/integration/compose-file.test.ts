import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { REPO_ROOT } from '../support/jarvis-harness.js';

describe('docker-compose files', () => {
  for (const file of ['docker-compose.yml', 'docker-compose.split.yml']) {
    it(`${file} passes docker-compose config`, () => {
      const result = spawnSync('docker-compose', ['-f', file, 'config', '-q'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000 });
      assert.equal(result.error, undefined, `docker-compose could not run: ${result.error?.message}`);
      assert.equal(result.status, 0, result.stderr);
    });
  }

  it('runs NATS and Jarvis, Jarvis talking to NATS by service name', () => {
    const result = spawnSync('docker-compose', ['-f', 'docker-compose.yml', 'config'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000 });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^ {2}nats:$/m);
    assert.match(result.stdout, /^ {2}jarvis:$/m);
    assert.match(result.stdout, /NATS_URL: nats:\/\/nats:4222/);
  });
});
