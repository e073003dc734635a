import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ProbeFinding } from '../../scheduled-probe.js';
import { judgeUpstreams, parseUpstreams, upstreamEndpoint, type UpstreamObservation } from './upstream-health.js';

const up = (address: string, change: Partial<UpstreamObservation> = {}): UpstreamObservation => ({ address, numRequests: 0, fails: 0, direct: { reachable: true }, ...change });

describe('judgeUpstreams: Caddy counters and direct connections', () => {
  const table: Array<{ given: string; observations: UpstreamObservation[]; finding: ProbeFinding }> = [
    { given: 'no upstream', observations: [], finding: { status: 'ok', reason: 'no reverse-proxy upstreams' } },
    {
      given: 'two healthy upstreams',
      observations: [up('127.0.0.1:8080', { numRequests: 2 }), up('app:80', { direct: 'not_probed' })],
      finding: {
        status: 'ok',
        reason: '2 upstream(s) healthy: 127.0.0.1:8080 accepts connections, 0 recent failure(s), 2 request(s) in flight; app:80 not probed directly (a name), 0 recent failure(s), 0 request(s) in flight',
      },
    },
    {
      given: 'one upstream refusing connections',
      observations: [up('127.0.0.1:8080'), up('127.0.0.1:8081', { direct: { reachable: false, reason: 'ECONNREFUSED' } })],
      finding: { status: 'failed', reason: '1 of 2 upstream(s) unhealthy: 127.0.0.1:8081 down (ECONNREFUSED), 0 recent failure(s), 0 request(s) in flight' },
    },
    {
      given: 'a name with failures counted by Caddy',
      observations: [up('app:80', { direct: 'not_probed', fails: 3 })],
      finding: { status: 'failed', reason: '1 of 1 upstream(s) unhealthy: app:80 not probed directly (a name), 3 recent failure(s), 0 request(s) in flight' },
    },
  ];
  for (const row of table) {
    it(`given ${row.given}, then ${row.finding.status}`, () => assert.deepEqual(judgeUpstreams(row.observations), row.finding));
  }
});

describe('parseUpstreams: the answer of GET /reverse_proxy/upstreams', () => {
  it('given the answer Caddy 2.6 gives, then each address with its counters', () => {
    assert.deepEqual(parseUpstreams([{ address: '127.0.0.1:42001', num_requests: 1, fails: 2 }]), [{ address: '127.0.0.1:42001', numRequests: 1, fails: 2 }]);
    assert.deepEqual(parseUpstreams([]), []);
  });

  it('given something else, then why it is not an answer', () => {
    assert.equal(parseUpstreams({ error: 'x' }), 'the answer is not a list');
    assert.equal(parseUpstreams([{ address: 1 }]), 'unexpected entry {"address":1}');
  });
});

describe('upstreamEndpoint: what may be connected to directly', () => {
  const table: Array<[string, ReturnType<typeof upstreamEndpoint>]> = [
    ['127.0.0.1:8080', { address: '127.0.0.1', port: 8080 }],
    ['[::1]:8080', { address: '::1', port: 8080 }],
    ['localhost:3000', { address: '127.0.0.1', port: 3000 }],
    ['192.168.1.20:80', { address: '192.168.1.20', port: 80 }],
    ['app:80', null],
    ['example.org:443', null],
    ['127.0.0.1:0', null],
    ['127.0.0.1:70000', null],
    ['unix//run/app.sock', null],
    ['127.0.0.1', null],
    ['::1:80', null],
  ];
  for (const [address, endpoint] of table) {
    it(`given ${address}, then ${endpoint ? `${endpoint.address} port ${endpoint.port}` : 'not probed'}`, () => assert.deepEqual(upstreamEndpoint(address), endpoint));
  }
});
