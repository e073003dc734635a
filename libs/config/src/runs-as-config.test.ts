import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { RunsAsConfig } from './runs-as-config.js';

function problems(plain: object): string[] {
  return validateSync(plainToInstance(RunsAsConfig, plain)).flatMap((error) => Object.values(error.constraints ?? {}).map((message) => `${error.property}: ${message}`));
}

describe('RunsAsConfig: how a component runs, for its restart', () => {
  it('accepts a container or a systemd unit', () => {
    assert.deepEqual(problems({ container: 'caddy' }), []);
    assert.deepEqual(problems({ systemdUnit: 'ddclient.service' }), []);
    assert.deepEqual(problems({ systemdUnit: 'caddy@edge.service', systemctl: '/bin/systemctl' }), []);
  });

  it('refuses neither or both, naming why', () => {
    assert.deepEqual(problems({}), ['container: name the container or the systemdUnit it runs as']);
    assert.deepEqual(problems({ container: 'caddy', systemdUnit: 'caddy.service' }), ['container: name either the container or the systemdUnit, not both']);
  });

  it('refuses unit names that could be options or are no service, container names Docker would refuse, a relative systemctl', () => {
    for (const systemdUnit of ['-x.service', '--help', 'ddclient', 'ddclient.timer', 'a b.service', 'a\nb.service', '../x.service']) {
      assert.equal(problems({ systemdUnit }).length > 0, true, systemdUnit);
    }
    assert.match(problems({ container: '-caddy' }).join(), /must be a Docker container name/);
    assert.match(problems({ systemdUnit: 'x.service', systemctl: 'systemctl' }).join(), /systemctl: must be an absolute path/);
  });
});
