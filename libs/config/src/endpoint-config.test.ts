import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validatePlain } from '@jarvis/contracts';
import { HttpEndpointConfig } from './endpoint-config.js';

const MINIMAL = { name: 'nextcloud', url: 'https://cloud.lab.example/status.php' };

function problemsOf(plain: Record<string, unknown>): string[] {
  const result = validatePlain(HttpEndpointConfig, plain, 'endpoints[0]');
  assert.equal(result.ok, false, `expected problems for ${JSON.stringify(plain)}`);
  return result.ok ? [] : result.errors;
}

function accepted(plain: Record<string, unknown>): HttpEndpointConfig {
  const result = validatePlain(HttpEndpointConfig, plain);
  assert.ok(result.ok, result.ok ? '' : result.errors.join('\n'));
  return result.value;
}

describe('HttpEndpointConfig', () => {
  it('gives the defaults for a name and a url', () => {
    const endpoint = accepted(MINIMAL);
    assert.deepEqual(
      { ...endpoint },
      {
        ...MINIMAL,
        method: 'GET',
        expectStatus: ['200-399'],
        maxLatencyMs: 2000,
        tlsVerify: true,
        timeoutMs: 5000,
        intervalSeconds: 30,
        allowLinkLocal: false,
      },
    );
  });

  it('takes every field when each is valid', () => {
    const endpoint = accepted({
      ...MINIMAL,
      method: 'GET',
      expectStatus: [200, '300-302', '204'],
      maxLatencyMs: 800,
      jsonField: { path: 'checks.db.state', equals: 'up' },
      bodyContains: 'installed',
      caFile: '/etc/jarvis/lab-ca.pem',
      timeoutMs: 3000,
      intervalSeconds: 15,
      allowLinkLocal: true,
      container: 'nextcloud-app_1',
    });
    assert.equal(endpoint.jsonField?.equals, 'up');
    for (const equals of [null, 3, false]) accepted({ ...MINIMAL, jsonField: { path: 'items.0.ok', equals } });
    accepted({ ...MINIMAL, url: 'http://192.168.1.10:8080/', tlsVerify: false });
  });

  const table: Array<[string, Record<string, unknown>, string]> = [
    ['a name with capitals', { name: 'Nextcloud' }, 'endpoints[0].name: must be a target id'],
    ['a name with a slash', { name: 'a/b' }, 'endpoints[0].name: must be a target id'],
    ['a name of 64 characters', { name: 'a'.repeat(64) }, 'endpoints[0].name: must be a target id'],
    ['a file url', { url: 'file:///etc/passwd' }, 'endpoints[0].url: must be http or https, not file'],
    ['a relative url', { url: '/status' }, 'endpoints[0].url: must be an absolute URL (http://host:port/path)'],
    ['credentials in the url', { url: 'https://admin:hunter2@nas.lab/' }, 'endpoints[0].url: must not carry credentials'],
    ['a user name alone in the url', { url: 'https://admin@nas.lab/' }, 'endpoints[0].url: must not carry credentials'],
    ['a url that is a number', { url: 42 }, 'endpoints[0].url: must be a string'],
    ['POST', { method: 'POST' }, 'endpoints[0].method: must be one of the following values: GET, HEAD'],
    ['an empty status list', { expectStatus: [] }, 'endpoints[0].expectStatus: must be a non-empty list'],
    ['a status list that is a string', { expectStatus: '200-399' }, 'endpoints[0].expectStatus: must be a non-empty list'],
    ['a status out of range', { expectStatus: [200, 999] }, 'endpoints[0].expectStatus: 999 is not a status code (100-599)'],
    ['a reversed range', { expectStatus: ['399-200'] }, 'endpoints[0].expectStatus: "399-200" ends below its start'],
    ['a range with spaces', { expectStatus: ['200 - 399'] }, 'endpoints[0].expectStatus: "200 - 399" is neither a status code'],
    ['a latency over the timeout', { maxLatencyMs: 6000 }, 'endpoints[0].maxLatencyMs: must not exceed timeoutMs (5000)'],
    ['a latency that is a string', { maxLatencyMs: 'fast' }, 'endpoints[0].maxLatencyMs: must be an integer number'],
    ['a timeout as long as the interval', { timeoutMs: 5000, intervalSeconds: 5 }, 'endpoints[0].timeoutMs: must be shorter than intervalSeconds (5 s)'],
    ['a body keyword with HEAD', { method: 'HEAD', bodyContains: 'ok' }, 'endpoints[0].bodyContains: needs method GET'],
    ['a JSON field with HEAD', { method: 'HEAD', jsonField: { path: 'ok', equals: true } }, 'endpoints[0].jsonField: needs method GET'],
    ['an empty body keyword', { bodyContains: '' }, 'endpoints[0].bodyContains: must be longer than or equal to 1 characters'],
    ['a JSON path with brackets', { jsonField: { path: 'items[0]', equals: 1 } }, 'endpoints[0].jsonField.path: must be a dot path'],
    ['a JSON expectation that is an object', { jsonField: { path: 'a', equals: { b: 1 } } }, 'endpoints[0].jsonField.equals: must be a string, a number, true, false or null'],
    ['a JSON expectation left out', { jsonField: { path: 'a' } }, 'endpoints[0].jsonField.equals: must be a string, a number'],
    ['tlsVerify as a string', { tlsVerify: 'no' }, 'endpoints[0].tlsVerify: must be a boolean value'],
    ['a relative CA file', { caFile: 'ca.pem' }, 'endpoints[0].caFile: must be an absolute path'],
    ['a CA file climbing out', { caFile: '/etc/jarvis/../shadow' }, 'endpoints[0].caFile: must be normalized (no ".", "..", "//" or trailing "/")'],
    ['a CA file with a NUL byte', { caFile: '/etc/jarvis/ca.pem\0.txt' }, 'endpoints[0].caFile: must not contain a NUL byte'],
    ['a CA file for an http url', { url: 'http://nas.lab/', caFile: '/etc/jarvis/ca.pem' }, 'endpoints[0].caFile: needs an https url'],
    ['a CA file without verification', { tlsVerify: false, caFile: '/etc/jarvis/ca.pem' }, 'endpoints[0].caFile: has no effect with tlsVerify: false'],
    ['allowLinkLocal as a string', { allowLinkLocal: 'yes' }, 'endpoints[0].allowLinkLocal: must be a boolean value'],
    ['a container name with a slash', { container: '../web' }, 'endpoints[0].container: must be a Docker container name'],
    ['an unknown key', { timeout: 5 }, 'endpoints[0].timeout: property timeout should not exist'],
  ];
  for (const [what, change, expected] of table) {
    it(`refuses ${what}, naming the field and the reason`, () => {
      const problems = problemsOf({ ...MINIMAL, ...change });
      assert.ok(
        problems.some((problem) => problem.startsWith(expected)),
        `expected a problem starting with ${JSON.stringify(expected)}, got ${JSON.stringify(problems)}`,
      );
    });
  }

  it('refuses a missing name and url', () => {
    const problems = problemsOf({});
    assert.ok(problems.some((p) => p.startsWith('endpoints[0].name: ')), JSON.stringify(problems));
    assert.ok(problems.some((p) => p.startsWith('endpoints[0].url: must be a string')), JSON.stringify(problems));
  });
});
