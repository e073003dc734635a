import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validatePlain } from '@jarvis/contracts';
import { CaddyConfig } from './caddy-config.js';
import { ConfigError, parseConfig } from './load-config.js';
import { TlsConfig, TlsEndpointConfig } from './tls-config.js';

function errorsOf(plain: unknown): string[] {
  const result = validatePlain(TlsEndpointConfig, plain);
  return result.ok ? [] : result.errors;
}

const VALID = { name: 'www', host: 'www.lab.test', address: '127.0.0.1' };

describe('TlsEndpointConfig', () => {
  it('given a name, a host and an address, takes the defaults', () => {
    const result = validatePlain(TlsEndpointConfig, VALID);
    assert.ok(result.ok);
    assert.deepEqual({ ...result.value }, { ...VALID, port: 443, warnDays: 21, criticalDays: 7, timeoutMs: 5000, intervalSeconds: 300 });
  });

  it('requires the name, the host and the address', () => {
    assert.deepEqual(errorsOf({}), [
      'name: must be a target id: lowercase letters, digits, _ . - (at most 63), starting with a letter or digit',
      'name: must be a string',
      'host: must be a lowercase DNS name such as www.example.org (no wildcard, no trailing dot)',
      'host: must be a string',
      'address: must be an IPv4 or IPv6 address',
    ]);
  });

  it('refuses a host that is not a plain DNS name, and an address that is a name', () => {
    for (const host of ['*.lab.test', 'www.lab.test.', 'WWW.lab.test', 'a b', '-x.lab.test', `${'a'.repeat(64)}.test`, 'www.lab.test/x']) {
      assert.deepEqual(errorsOf({ ...VALID, host }), ['host: must be a lowercase DNS name such as www.example.org (no wildcard, no trailing dot)'], host);
    }
    assert.deepEqual(errorsOf({ ...VALID, address: 'www.lab.test' }), ['address: must be an IPv4 or IPv6 address']);
    assert.deepEqual(errorsOf({ ...VALID, address: '::1' }), []);
  });

  it('keeps critical below warning and the timeout below the interval', () => {
    assert.deepEqual(errorsOf({ ...VALID, warnDays: 7, criticalDays: 7 }), ['criticalDays: must be less than warnDays (7)']);
    assert.deepEqual(errorsOf({ ...VALID, intervalSeconds: 5, timeoutMs: 5000 }), ['timeoutMs: must be shorter than intervalSeconds (5 s)']);
    assert.deepEqual(errorsOf({ ...VALID, port: 0 }), ['port: must not be less than 1']);
  });

  it('takes a CA file only as an absolute path without ".."', () => {
    assert.deepEqual(errorsOf({ ...VALID, caFile: 'ca.pem' }), ['caFile: must be an absolute path']);
    assert.deepEqual(errorsOf({ ...VALID, caFile: '/etc/jarvis/../shadow' }), ['caFile: must be normalized (no ".", "..", "//" or trailing "/")']);
    assert.deepEqual(errorsOf({ ...VALID, caFile: '/etc/jarvis/lab-ca.pem' }), []);
  });

  it('refuses two endpoints with one name', () => {
    const result = validatePlain(TlsConfig, { endpoints: [VALID, { ...VALID, host: 'api.lab.test' }] });
    assert.deepEqual(result.ok ? [] : result.errors, ['endpoints: must not name two endpoints alike (tls.endpoints[].name is the target id)']);
  });
});

describe('jarvis.yaml with tls and caddy sections', () => {
  const yaml = [
    'tls:',
    '  endpoints:',
    '    - { name: www, host: www.lab.test, address: 127.0.0.1, port: 8443, warnDays: 30, criticalDays: 10 }',
    'caddy:',
    '  - { name: edge, caddyfile: /etc/caddy/Caddyfile, adminPort: 2020 }',
    '',
  ].join('\n');

  it('given both sections, then typed entries with the defaults filled in', () => {
    const config = parseConfig(yaml, '/etc/jarvis/jarvis.yaml');
    const [endpoint] = config.tls.endpoints;
    const [caddy] = config.caddy;
    assert.ok(endpoint instanceof TlsEndpointConfig && caddy instanceof CaddyConfig);
    assert.deepEqual([endpoint.port, endpoint.warnDays, endpoint.criticalDays, endpoint.timeoutMs], [8443, 30, 10, 5000]);
    assert.deepEqual([caddy.adminAddress, caddy.adminPort, caddy.binary, caddy.httpsPort], ['127.0.0.1', 2020, '/usr/bin/caddy', 443]);
  });

  it('given neither, then no TLS endpoint and no Caddy', () => {
    const config = parseConfig('', '/etc/jarvis/jarvis.yaml');
    assert.deepEqual([config.tls.endpoints, config.caddy], [[], []]);
  });

  it('given bad entries, then each problem names its place in the file', () => {
    const bad = yaml.replace('address: 127.0.0.1', 'address: www.lab.test').replace('adminPort: 2020', 'adminAddress: 10.0.0.1');
    assert.throws(
      () => parseConfig(bad, '/etc/jarvis/jarvis.yaml'),
      (error: Error) =>
        error instanceof ConfigError &&
        error.problems.includes('tls.endpoints[0].address: must be an IPv4 or IPv6 address') &&
        error.problems.includes('caddy[0].adminAddress: must be a loopback address (127.0.0.0/8 or ::1): the admin API has no authentication'),
    );
  });
});

describe('tls.extraCaFolders', () => {
  const errors = (extraCaFolders: unknown) => {
    const result = validatePlain(TlsConfig, { extraCaFolders });
    return result.ok ? [] : result.errors;
  };

  it('takes none by default, and clean absolute folders', () => {
    const result = validatePlain(TlsConfig, {});
    assert.ok(result.ok);
    assert.deepEqual(result.value.extraCaFolders, []);
    assert.deepEqual(errors(['/srv/lab/pki', '/tmp/jarvis-test-ca']), []);
  });

  it('refuses a relative, unnormalized, root or repeated folder, naming it and the reason', () => {
    assert.deepEqual(errors(['/srv/pki', 'pki']), ['extraCaFolders: [1] must be an absolute path']);
    assert.deepEqual(errors(['/srv/../etc']), ['extraCaFolders: [0] must be normalized (no ".", "..", "//" or trailing "/")']);
    assert.deepEqual(errors(['/']), ['extraCaFolders: [0] must not be "/": every file on the machine would be allowed']);
    assert.deepEqual(errors(['/srv/pki', '/srv/pki']), ["extraCaFolders: All extraCaFolders's elements must be unique"]);
    assert.ok(errors('/srv/pki').includes('extraCaFolders: must be an array'));
  });
});

describe('extraCaddyfileFolders', () => {
  it('takes none by default, and refuses "/" naming the entry', () => {
    assert.deepEqual(parseConfig('').extraCaddyfileFolders, []);
    assert.deepEqual(parseConfig('extraCaddyfileFolders: [/srv/caddy]').extraCaddyfileFolders, ['/srv/caddy']);
    assert.throws(() => parseConfig('extraCaddyfileFolders: [/srv/caddy, /]'), (error: Error) => error instanceof ConfigError && /extraCaddyfileFolders: \[1\] must not be "\/"/.test(error.message));
  });
});
