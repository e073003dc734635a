import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TlsEndpointConfig } from '@jarvis/config';
import { TlsCertificateProbe } from './tls-certificate-probe.js';
import type { TlsHandshakeTarget, TlsPort, TlsReading } from './tls-port.js';

/** A port that answers with one reading and records what it was asked. */
function fakePort(reading: TlsReading): TlsPort & { asked: TlsHandshakeTarget[] } {
  const asked: TlsHandshakeTarget[] = [];
  return { asked, handshake: async (target) => (asked.push(target), reading) };
}

const endpoint = Object.assign(new TlsEndpointConfig(), { name: 'www', host: 'www.lab.test', address: '127.0.0.1', port: 8443, caFile: '/etc/jarvis/lab-ca.pem', intervalSeconds: 60, timeoutMs: 3000 });

describe('TlsCertificateProbe', () => {
  it('given a configured endpoint, then it targets tls_certificate:<name> and shakes hands with SNI at the configured address', async () => {
    const port = fakePort({ kind: 'unreachable', observedAt: new Date(), reason: 'ECONNREFUSED' });
    const probe = new TlsCertificateProbe(endpoint, port);
    assert.deepEqual([probe.target.kind, probe.target.id, probe.check, probe.intervalMs, probe.timeoutMs], ['tls_certificate', 'www', 'tls_certificate', 60_000, 4000]);
    assert.deepEqual(await probe.run(AbortSignal.timeout(1000)), { status: 'failed', reason: 'unreachable: ECONNREFUSED' });
    assert.deepEqual(port.asked, [{ servername: 'www.lab.test', address: '127.0.0.1', port: 8443, caFile: '/etc/jarvis/lab-ca.pem', timeoutMs: 3000 }]);
  });

  it("given a certificate close to expiry, then the endpoint's own thresholds judge it", async () => {
    const observedAt = new Date('2026-01-01T00:00:00Z');
    const certificate = { subject: 'CN=www.lab.test', issuer: 'CN=Lab CA', names: [], validFrom: new Date('2025-12-01T00:00:00Z'), validTo: new Date('2026-01-11T01:00:00Z'), hostnameProblem: null, trust: { kind: 'trusted', anchor: 'CN=Lab CA' } } as const;
    const probe = new TlsCertificateProbe(Object.assign(new TlsEndpointConfig(), endpoint, { warnDays: 30, criticalDays: 5 }), fakePort({ kind: 'presented', observedAt, certificate }));
    assert.match((await probe.run(AbortSignal.timeout(1000))).reason, /^warning: expires in 10 days \(warning under 30\)/);
  });
});
