import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validatePlain } from '@jarvis/contracts';
import { CaddyConfig } from './caddy-config.js';

function errorsOf(plain: unknown): string[] {
  const result = validatePlain(CaddyConfig, plain);
  return result.ok ? [] : result.errors;
}

const VALID = { name: 'edge', caddyfile: '/etc/caddy/Caddyfile' };

describe('CaddyConfig', () => {
  it('given a name and a Caddyfile, takes the defaults', () => {
    const result = validatePlain(CaddyConfig, VALID);
    assert.ok(result.ok);
    assert.deepEqual(
      { ...result.value },
      { ...VALID, warnDays: 21, criticalDays: 7, adminAddress: '127.0.0.1', adminPort: 2019, binary: '/usr/bin/caddy', httpsAddress: '127.0.0.1', httpsPort: 443, timeoutMs: 10000, intervalSeconds: 300 },
    );
  });

  it('talks only to an admin API on loopback', () => {
    assert.deepEqual(errorsOf({ ...VALID, adminAddress: '192.168.1.2' }), ['adminAddress: must be a loopback address (127.0.0.0/8 or ::1): the admin API has no authentication']);
    assert.deepEqual(errorsOf({ ...VALID, adminAddress: 'localhost' }), ['adminAddress: must be an IPv4 or IPv6 address']);
    assert.deepEqual(errorsOf({ ...VALID, adminAddress: '::1' }), []);
  });

  it('takes the Caddyfile and the program as absolute, normalized paths', () => {
    assert.deepEqual(errorsOf({ ...VALID, caddyfile: 'Caddyfile' }), ['caddyfile: must be an absolute path']);
    assert.deepEqual(errorsOf({ ...VALID, caddyfile: '/etc/caddy/../passwd' }), ['caddyfile: must be normalized (no ".", "..", "//" or trailing "/")']);
    assert.deepEqual(errorsOf({ ...VALID, binary: 'caddy' }), ['binary: must be an absolute path']);
    assert.deepEqual(errorsOf({ ...VALID, binary: '/usr/bin/caddy\0 --x' }), ['binary: must not contain a NUL byte']);
  });

  it('keeps the thresholds and the timeout consistent', () => {
    assert.deepEqual(errorsOf({ ...VALID, warnDays: 10, criticalDays: 12 }), ['criticalDays: must be less than warnDays (10)']);
    assert.deepEqual(errorsOf({ ...VALID, intervalSeconds: 10, timeoutMs: 10000 }), ['timeoutMs: must be shorter than intervalSeconds (10 s)']);
    assert.deepEqual(errorsOf({ ...VALID, httpsAddress: 'www.lab.test' }), ['httpsAddress: must be an IPv4 or IPv6 address']);
  });
});
