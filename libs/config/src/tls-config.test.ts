import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validatePlain } from '@jarvis/contracts';
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
    assert.deepEqual(errorsOf({ ...VALID, caFile: '/etc/jarvis/../shadow' }), ['caFile: must not contain ".." segments']);
    assert.deepEqual(errorsOf({ ...VALID, caFile: '/etc/jarvis/lab-ca.pem' }), []);
  });

  it('refuses two endpoints with one name', () => {
    const result = validatePlain(TlsConfig, { endpoints: [VALID, { ...VALID, host: 'api.lab.test' }] });
    assert.deepEqual(result.ok ? [] : result.errors, ['endpoints: must not name two endpoints alike (tls.endpoints[].name is the target id)']);
  });
});
