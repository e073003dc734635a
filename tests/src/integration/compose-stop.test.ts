import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { defaultConfig } from '@jarvis/config';
import { REPO_ROOT } from '../support/jarvis-harness.js';

/**
 * Jarvis service name → its stop_grace_period in seconds (undefined: Docker's default of 10 s), from
 * `docker-compose config`; the Jarvis services are those running the Jarvis image.
 */
function gracePeriods(files: string[]): Map<string, number | undefined> {
  const result = spawnSync('docker-compose', [...files.flatMap((file) => ['-f', file]), 'config'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000 });
  assert.equal(result.status, 0, result.stderr);
  const section = /^services:\n((?: {2}.*\n)+)/m.exec(result.stdout)?.[1] ?? '';
  const services = section.split(/\n(?= {2}[a-z-]+:\n)/).filter((block) => /^ {4}image: jarvis:local$/m.test(block));
  return new Map(
    services.map((block) => {
      const name = /^ {2}([a-z-]+):/.exec(block)![1]!;
      const grace = /^ {4}stop_grace_period: (\d+)s$/m.exec(block)?.[1];
      return [name, grace === undefined ? undefined : Number(grace)];
    }),
  );
}

describe('docker-compose stop', () => {
  for (const files of [['docker-compose.yml'], ['docker-compose.yml', 'docker-compose.split.yml']]) {
    const file = files.join(' + ');
    it(`${file} lets every Jarvis container finish its bounded stop before Docker kills it`, () => {
      const jarvis = [...gracePeriods(files)];
      assert.ok(jarvis.length >= 1, file);
      for (const [name, seconds] of jarvis) {
        assert.ok(seconds !== undefined && seconds > defaultConfig().lifecycle.shutdownTimeoutSeconds + 1, `${file}: ${name} stop_grace_period ${seconds ?? 'default 10'} s`);
      }
    });
  }
});
