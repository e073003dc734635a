import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validatePlain } from '@jarvis/contracts';
import { DdclientConfig } from './ddclient-config.js';
import { parseConfig } from './load-config.js';

function errorsOf(plain: unknown): string[] {
  const result = validatePlain(DdclientConfig, plain);
  return result.ok ? [] : result.errors;
}

describe('DdclientConfig', () => {
  it('given only the config path, takes the defaults', () => {
    const result = validatePlain(DdclientConfig, { config: '/etc/ddclient.conf' });
    assert.ok(result.ok);
    assert.deepEqual({ ...result.value }, {
      name: 'ddclient',
      config: '/etc/ddclient.conf',
      cache: '/var/cache/ddclient/ddclient.cache',
      program: '/usr/bin/ddclient',
      keyFolders: [],
      intervalSeconds: 300,
      runTimeoutSeconds: 60,
    });
  });

  it('names each bad field and its reason', () => {
    assert.deepEqual(errorsOf({ config: 'ddclient.conf', name: 'Home DNS', log: '/var/log/../ddclient.log', program: '/usr/bin/ddclient\0', keyFolders: ['/etc/bind', 'keys'] }), [
      'name: must be a target id: lowercase letters, digits, _ . - (at most 63), starting with a letter or digit',
      'config: must be an absolute path',
      'log: must be normalized (no ".", "..", "//" or trailing "/")',
      'program: must not contain a NUL byte',
      'keyFolders: [1] must be an absolute path',
    ]);
  });

  it('is absent from jarvis.yaml unless configured, and read as a section when it is', () => {
    assert.equal(parseConfig('{}').ddclient, undefined);
    const config = parseConfig('ddclient:\n  config: /etc/ddclient/ddclient.conf\n  log: /var/log/ddclient.log\n');
    assert.ok(config.ddclient instanceof DdclientConfig);
    assert.equal(config.ddclient.log, '/var/log/ddclient.log');
    assert.equal(config.ddclient.intervalSeconds, 300);
  });
});
