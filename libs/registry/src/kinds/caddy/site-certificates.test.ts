import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CertificateJudgement } from '../tls-certificate/certificate-judgement.js';
import { httpsSitesOf, judgeSiteCertificates } from './site-certificates.js';

/** The shape `caddy adapt` gives a Caddyfile with sites on :443 and one http:// site on :80. */
const ADAPTED = {
  apps: {
    http: {
      servers: {
        srv0: {
          listen: ['127.0.0.1:443'],
          routes: [
            { match: [{ host: ['www.lab.test'] }], handle: [] },
            { match: [{ host: ['API.lab.test', 'www.lab.test'] }, { host: ['*.wild.lab.test'] }], handle: [] },
            { match: [{ host: ['10.0.0.1', '::1'] }], handle: [] },
            { handle: [] },
          ],
        },
        srv1: { listen: [':80'], routes: [{ match: [{ host: ['plain.lab.test'] }] }] },
      },
    },
  },
};

const judgement = (status: 'ok' | 'failed', reason: string, daysLeft: number | null): CertificateJudgement => ({ status, reason, daysLeft, severity: status === 'ok' ? 'ok' : 'critical', problems: status === 'ok' ? [] : ['no_certificate'] });

describe('httpsSitesOf: the host names of the HTTPS sites of an adapted Caddyfile', () => {
  it('given servers on the HTTPS port and on 80, then the names on the HTTPS port, lower case, once, without wildcards and addresses', () => {
    assert.deepEqual(httpsSitesOf(ADAPTED, 443), ['api.lab.test', 'www.lab.test']);
  });

  it('given another HTTPS port, then only servers listening on it count', () => {
    assert.deepEqual(httpsSitesOf(ADAPTED, 8443), []);
    assert.deepEqual(httpsSitesOf(ADAPTED, 80), ['plain.lab.test']);
  });

  it('given no config, then no site', () => assert.deepEqual(httpsSitesOf(null, 443), []));
});

describe('judgeSiteCertificates: every site covered by a valid certificate', () => {
  it('given no site, then ok', () => assert.deepEqual(judgeSiteCertificates([], 0), { status: 'ok', reason: 'no HTTPS site in the Caddyfile' }));

  it('given all covered, then ok with the days left of each', () => {
    assert.deepEqual(judgeSiteCertificates([{ host: 'a.lab.test', judgement: judgement('ok', 'fine', 80) }, { host: 'b.lab.test', judgement: judgement('ok', 'fine', 5) }], 0), {
      status: 'ok',
      reason: '2 site(s) covered: a.lab.test (80 days left), b.lab.test (5 days left)',
    });
  });

  it('given one without a certificate, then failed naming it and its own reason', () => {
    const sites = [
      { host: 'a.lab.test', judgement: judgement('ok', 'fine', 80) },
      { host: 'b.lab.test', judgement: judgement('failed', 'no certificate: alert', null) },
    ];
    assert.deepEqual(judgeSiteCertificates(sites, 3), { status: 'failed', reason: '1 of 2 site(s) not covered by a valid certificate (3 more not checked): b.lab.test: no certificate: alert' });
  });
});
