import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CaddyConfig } from '@jarvis/config';
import type { TlsHandshakeTarget, TlsPort, TlsReading } from '../tls-certificate/tls-port.js';
import { CaddyLooks } from './caddy-looks.js';
import type { AdminReading, CaddyAdminPath, CaddyPort, CaddyRun, Reachability, UpstreamEndpoint } from './caddy-port.js';

const instance = Object.assign(new CaddyConfig(), { name: 'edge', caddyfile: '/etc/caddy/Caddyfile', httpsAddress: '10.0.0.5', httpsPort: 8443, caFile: '/etc/jarvis/ca.pem', timeoutMs: 2000 });
const NOW = new Date('2026-06-01T00:00:00Z');

/** A Caddy that answers from fixed readings and records what it was asked. */
function fakeCaddy(answers: { admin?: Partial<Record<CaddyAdminPath, AdminReading>>; adapt?: CaddyRun; reach?: Record<string, Reachability> }): CaddyPort & { reached: UpstreamEndpoint[] } {
  const reached: UpstreamEndpoint[] = [];
  return {
    reached,
    admin: async (_instance, path) => answers.admin?.[path] ?? { kind: 'unreachable', reason: 'ECONNREFUSED' },
    reloadCurrentConfig: async () => ({ kind: 'unreachable', reason: 'ECONNREFUSED' }),
    validate: async () => ({ exitCode: 0, stdout: '', stderr: '', timedOut: false }),
    adapt: async () => answers.adapt ?? { exitCode: 1, stdout: '', stderr: 'Error: no file', timedOut: false },
    reach: async (endpoint) => (reached.push(endpoint), answers.reach?.[`${endpoint.address}:${endpoint.port}`] ?? { reachable: true }),
  };
}

function fakeTls(readings: Record<string, TlsReading>): TlsPort & { asked: TlsHandshakeTarget[] } {
  const asked: TlsHandshakeTarget[] = [];
  return { asked, handshake: async (target) => (asked.push(target), readings[target.servername] ?? { kind: 'unreachable', observedAt: NOW, reason: 'no such site' }) };
}

const signal = () => AbortSignal.timeout(5000);

describe('CaddyLooks: what each Caddy check reads before judging', () => {
  it('given upstreams by IP, localhost and name, then only the IPs and localhost are connected to', async () => {
    const body = [
      { address: '127.0.0.1:9001', num_requests: 0, fails: 0 },
      { address: 'localhost:9002', num_requests: 0, fails: 0 },
      { address: 'app:80', num_requests: 0, fails: 0 },
    ];
    const caddy = fakeCaddy({ admin: { '/reverse_proxy/upstreams': { kind: 'answered', status: 200, body } }, reach: { '127.0.0.1:9002': { reachable: false, reason: 'ECONNREFUSED' } } });
    const finding = await new CaddyLooks(instance, caddy, fakeTls({})).upstreams(signal());
    assert.deepEqual(caddy.reached, [
      { address: '127.0.0.1', port: 9001 },
      { address: '127.0.0.1', port: 9002 },
    ]);
    assert.deepEqual(finding, { status: 'failed', reason: '1 of 3 upstream(s) unhealthy: localhost:9002 down (ECONNREFUSED), 0 recent failure(s), 0 request(s) in flight' });
  });

  it('given an answer that is not a list of upstreams, then the check fails saying so', async () => {
    const caddy = fakeCaddy({ admin: { '/reverse_proxy/upstreams': { kind: 'answered', status: 200, body: { unexpected: true } } } });
    assert.deepEqual(await new CaddyLooks(instance, caddy, fakeTls({})).upstreams(signal()), { status: 'failed', reason: 'cannot read the upstreams: the answer is not a list' });
  });

  it('given an adapted Caddyfile, then each HTTPS site is shaken hands with at the configured address, port and CA file', async () => {
    const adapted = { apps: { http: { servers: { srv0: { listen: [':8443'], routes: [{ match: [{ host: ['b.lab.test', 'a.lab.test'] }] }] } } } } };
    const tls = fakeTls({ 'a.lab.test': { kind: 'no_certificate', observedAt: NOW, reason: 'alert' } });
    const finding = await new CaddyLooks(instance, fakeCaddy({ adapt: { exitCode: 0, stdout: JSON.stringify(adapted), stderr: '', timedOut: false } }), tls).certificates(signal());
    assert.deepEqual(
      tls.asked.map((target) => `${target.servername}@${target.address}:${target.port} ${target.caFile}`),
      ['a.lab.test@10.0.0.5:8443 /etc/jarvis/ca.pem', 'b.lab.test@10.0.0.5:8443 /etc/jarvis/ca.pem'],
    );
    assert.deepEqual(finding, { status: 'failed', reason: '2 of 2 site(s) not covered by a valid certificate: a.lab.test: no certificate: alert | b.lab.test: unreachable: no such site' });
  });

  it('given a Caddyfile caddy adapt rejects, then the certificates check fails with its error', async () => {
    assert.deepEqual(await new CaddyLooks(instance, fakeCaddy({}), fakeTls({})).certificates(signal()), { status: 'failed', reason: 'cannot list the sites: caddy adapt of /etc/caddy/Caddyfile exited 1: no file' });
  });

  it('given adapt output that is not JSON, then the certificates check says so', async () => {
    const caddy = fakeCaddy({ adapt: { exitCode: 0, stdout: 'not json', stderr: '', timedOut: false } });
    assert.deepEqual(await new CaddyLooks(instance, caddy, fakeTls({})).certificates(signal()), { status: 'failed', reason: 'cannot list the sites: caddy adapt printed no JSON config' });
  });

  it('given an IPv6 admin address, then the evidence brackets it', async () => {
    const v6 = Object.assign(new CaddyConfig(), instance, { adminAddress: '::1' });
    assert.deepEqual(await new CaddyLooks(v6, fakeCaddy({}), fakeTls({})).adminApi(signal()), { status: 'failed', reason: 'admin API unreachable at [::1]:2019: ECONNREFUSED' });
  });
});
