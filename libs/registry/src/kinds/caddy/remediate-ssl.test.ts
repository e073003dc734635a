import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CaddyConfig } from '@jarvis/config';
import { targetOf } from '@jarvis/contracts';
import type { TlsPort, TlsReading } from '../tls-certificate/tls-port.js';
import type { AdminReading, CaddyPort } from './caddy-port.js';
import { RemediateSsl, RemediateSslParams } from './remediate-ssl.js';

const edge = Object.assign(new CaddyConfig(), { name: 'edge', caddyfile: '/etc/caddy/Caddyfile', httpsAddress: '127.0.0.1', httpsPort: 8443, timeoutMs: 2000 });
const target = targetOf('caddy', 'edge');
const NOW = new Date('2026-06-01T00:00:00Z');
const ADAPTED = JSON.stringify({ apps: { http: { servers: { srv0: { listen: [':8443'], routes: [{ match: [{ host: ['www.lab.test'] }] }] } } } } });

/** A Caddy whose reload answers as the test says and counts reloads; its Caddyfile serves www.lab.test. */
function caddyAnswering(reload: AdminReading): CaddyPort & { reloads: number } {
  const port = {
    reloads: 0,
    admin: async (): Promise<AdminReading> => ({ kind: 'answered', status: 200, body: {} }),
    reloadCurrentConfig: async () => (port.reloads++, reload),
    validate: async () => ({ exitCode: 0, stdout: '', stderr: '', timedOut: false }),
    adapt: async () => ({ exitCode: 0, stdout: ADAPTED, stderr: '', timedOut: false }),
    reach: async () => ({ reachable: true as const }),
  };
  return port;
}

/** Handshakes that fail until `issued` is set, then present a certificate valid for a year. */
function tlsIssuing(): TlsPort & { issued: boolean } {
  const tls = {
    issued: false,
    handshake: async (): Promise<TlsReading> =>
      tls.issued
        ? { kind: 'presented', observedAt: NOW, certificate: { subject: 'www.lab.test', issuer: 'Pebble Intermediate', names: ['www.lab.test'], validFrom: new Date('2026-05-31T00:00:00Z'), validTo: new Date('2027-06-01T00:00:00Z'), hostnameProblem: null, trust: { kind: 'trusted', anchor: 'Pebble Root' } } }
        : { kind: 'no_certificate', observedAt: NOW, reason: 'tlsv1 alert internal error' },
  };
  return tls;
}

const loaded: AdminReading = { kind: 'answered', status: 200, body: null };

describe('RemediateSsl: infrastructure_remediate_ssl', () => {
  it('given a site without a certificate, then the fault holds; once it has one, the decision is superseded', async () => {
    const tls = tlsIssuing();
    const action = new RemediateSsl([edge], caddyAnswering(loaded), tls);
    assert.deepEqual(await action.reobserve(target), { kind: 'fault_holds' });
    tls.issued = true;
    assert.equal((await action.reobserve(target)).kind, 'superseded');
  });

  it('given Caddy loads its config again, then it succeeds; verify is pending until the certificate is there, then passes', async () => {
    const caddy = caddyAnswering(loaded);
    const tls = tlsIssuing();
    const action = new RemediateSsl([edge], caddy, tls);
    const done = await action.execute(target, new RemediateSslParams(), AbortSignal.timeout(1000));
    assert.match(done.result, /must-revalidate/);
    assert.equal(caddy.reloads, 1);
    assert.equal((await action.verify(target)).kind, 'pending');
    tls.issued = true;
    const verdict = await action.verify(target);
    assert.equal(verdict.kind, 'passed');
  });

  it('given the load refused or the admin API unreachable, then it fails naming the answer', async () => {
    const refused = new RemediateSsl([edge], caddyAnswering({ kind: 'answered', status: 400, body: { error: 'loading config: bad' } }), tlsIssuing());
    await assert.rejects(refused.execute(target, new RemediateSslParams(), AbortSignal.timeout(1000)), /did not reload its config: admin API at 127.0.0.1:2019 answered HTTP 400: loading config: bad/);
    const down = new RemediateSsl([edge], caddyAnswering({ kind: 'unreachable', reason: 'ECONNREFUSED' }), tlsIssuing());
    await assert.rejects(down.execute(target, new RemediateSslParams(), AbortSignal.timeout(1000)), /unreachable at 127.0.0.1:2019: ECONNREFUSED/);
  });

  it('given a Caddy not listed in jarvis.yaml, then it does not apply and nothing is reloaded', async () => {
    const caddy = caddyAnswering(loaded);
    const action = new RemediateSsl([edge], caddy, tlsIssuing());
    const other = targetOf('caddy', 'other');
    assert.equal(action.appliesTo(other), false);
    assert.equal((await action.reobserve(other)).kind, 'not_watched');
    await assert.rejects(action.execute(other, new RemediateSslParams(), AbortSignal.timeout(1000)), /target.id: other is not a Caddy/);
    assert.equal(caddy.reloads, 0);
    assert.equal(await action.alreadyDone(other), false);
  });
});

describe('RemediateSsl.alreadyDone: Caddy serves a trusted certificate for every site now', () => {
  const cases: Array<{ name: string; issued: boolean; adapt?: () => Promise<never> | Promise<{ exitCode: number; stdout: string; stderr: string; timedOut: boolean }>; done: boolean }> = [
    { name: 'a site still without a certificate', issued: false, done: false },
    { name: 'every site with a trusted certificate', issued: true, done: true },
    { name: 'a Caddyfile caddy adapt cannot read', issued: true, adapt: async () => ({ exitCode: 1, stdout: '', stderr: 'Error: bad', timedOut: false }), done: false },
    {
      name: 'the caddy program failing to start',
      issued: true,
      adapt: async () => {
        throw new Error('spawn ENOENT');
      },
      done: false,
    },
  ];
  for (const { name, issued, adapt, done } of cases) {
    it(`given ${name}, then ${done ? 'done' : 'not done'}, and nothing is reloaded`, async () => {
      const caddy = caddyAnswering(loaded);
      if (adapt) caddy.adapt = adapt;
      const tls = tlsIssuing();
      tls.issued = issued;
      assert.equal(await new RemediateSsl([edge], caddy, tls).alreadyDone(target), done);
      assert.equal(caddy.reloads, 0);
    });
  }
});
