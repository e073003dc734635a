import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { judgeCertificate, type CertificateProblem, type CertificateSeverity } from './certificate-judgement.js';
import type { CertificateFacts, TlsReading } from './tls-port.js';

const NOW = new Date('2026-06-01T00:00:00.000Z');
const DAY = 86_400_000;
const THRESHOLDS = { warnDays: 21, criticalDays: 7 };

/** A certificate for www.lab.test from the lab CA, valid from 30 days ago for `daysLeft` more days (and a minute). */
function certificate(change: Partial<CertificateFacts> = {}, daysLeft = 60): CertificateFacts {
  return {
    subject: 'CN=www.lab.test',
    issuer: 'CN=Lab CA',
    names: ['DNS:www.lab.test'],
    validFrom: new Date(NOW.getTime() - 30 * DAY),
    validTo: new Date(NOW.getTime() + daysLeft * DAY + 60_000),
    hostnameProblem: null,
    trust: { kind: 'trusted', anchor: 'CN=Lab CA' },
    ...change,
  };
}

const presented = (facts: CertificateFacts): TlsReading => ({ kind: 'presented', observedAt: NOW, certificate: facts });

describe('judgeCertificate: one handshake against the trust, the name and the dates', () => {
  const table: Array<{ given: string; reading: TlsReading; status: 'ok' | 'failed'; severity: CertificateSeverity; problems: CertificateProblem[]; reason: RegExp }> = [
    {
      given: 'a trusted certificate for the name with 60 days left',
      reading: presented(certificate()),
      status: 'ok',
      severity: 'ok',
      problems: [],
      reason: /^subject CN=www\.lab\.test, issuer CN=Lab CA, trusted through CN=Lab CA, valid until 2026-07-31T00:01:00\.000Z \(60 days left\)$/,
    },
    { given: 'nobody listening', reading: { kind: 'unreachable', observedAt: NOW, reason: '127.0.0.1:443: ECONNREFUSED' }, status: 'failed', severity: 'critical', problems: ['unreachable'], reason: /^unreachable: 127\.0\.0\.1:443: ECONNREFUSED$/ },
    {
      given: 'a handshake alert instead of a certificate',
      reading: { kind: 'no_certificate', observedAt: NOW, reason: '127.0.0.1:443 ended the handshake for www.lab.test (ERR_SSL_TLSV1_ALERT_INTERNAL_ERROR)' },
      status: 'failed',
      severity: 'critical',
      problems: ['no_certificate'],
      reason: /^no certificate: 127\.0\.0\.1:443 ended the handshake/,
    },
    {
      given: 'a self-signed fallback for another name',
      reading: presented(certificate({ issuer: 'CN=fallback', subject: 'CN=fallback', trust: { kind: 'self_signed' }, hostnameProblem: "Host: www.lab.test. is not in the cert's altnames: DNS:fallback" })),
      status: 'failed',
      severity: 'critical',
      problems: ['self_signed', 'hostname_mismatch'],
      reason: /^critical: self-signed certificate \(a fallback, not one issued by a trusted CA\); hostname mismatch: Host: www\.lab\.test\. is not in the cert's altnames: DNS:fallback; subject CN=fallback, issuer CN=fallback, valid until/,
    },
    {
      given: 'a certificate for another name',
      reading: presented(certificate({ hostnameProblem: "Host: other.lab.test. is not in the cert's altnames: DNS:www.lab.test" })),
      status: 'failed',
      severity: 'critical',
      problems: ['hostname_mismatch'],
      reason: /^critical: hostname mismatch: Host: other\.lab\.test\./,
    },
    {
      given: 'a chain ending at an untrusted root',
      reading: presented(certificate({ issuer: 'CN=Caddy Local Authority - ECC Intermediate', trust: { kind: 'untrusted', reason: 'the chain ends at the self-signed CN=Caddy Local Authority - 2026 ECC Root, not a trusted CA' } })),
      status: 'failed',
      severity: 'critical',
      problems: ['untrusted'],
      reason: /^critical: untrusted chain: the chain ends at the self-signed CN=Caddy Local Authority - 2026 ECC Root, not a trusted CA; subject CN=www\.lab\.test, issuer CN=Caddy Local Authority - ECC Intermediate, valid/,
    },
    {
      given: 'an expired certificate',
      reading: presented(certificate({ validFrom: new Date('2020-01-01T00:00:00Z'), validTo: new Date('2020-02-01T00:00:00Z') })),
      status: 'failed',
      severity: 'critical',
      problems: ['expired'],
      reason: /^critical: expired on 2020-02-01T00:00:00\.000Z; subject CN=www\.lab\.test, issuer CN=Lab CA, trusted through CN=Lab CA, valid until 2020-02-01T00:00:00\.000Z \(expired\)$/,
    },
    {
      given: 'a certificate not valid yet',
      reading: presented(certificate({ validFrom: new Date(NOW.getTime() + DAY) })),
      status: 'failed',
      severity: 'critical',
      problems: ['not_yet_valid'],
      reason: /^critical: not valid before 2026-06-02T00:00:00\.000Z;/,
    },
    { given: '21 days left (warning under 21)', reading: presented(certificate({}, 21)), status: 'ok', severity: 'ok', problems: [], reason: /\(21 days left\)$/ },
    { given: '20 days left', reading: presented(certificate({}, 20)), status: 'failed', severity: 'warning', problems: ['expires_soon'], reason: /^warning: expires in 20 days \(warning under 21\); subject/ },
    { given: '10 days left', reading: presented(certificate({}, 10)), status: 'failed', severity: 'warning', problems: ['expires_soon'], reason: /^warning: expires in 10 days/ },
    { given: '7 days left (critical under 7)', reading: presented(certificate({}, 7)), status: 'failed', severity: 'warning', problems: ['expires_soon'], reason: /^warning: expires in 7 days/ },
    { given: '6 days left', reading: presented(certificate({}, 6)), status: 'failed', severity: 'critical', problems: ['expires_soon'], reason: /^critical: expires in 6 days \(critical under 7\)/ },
    { given: 'a few hours left', reading: presented(certificate({ validTo: new Date(NOW.getTime() + 3 * 3_600_000) })), status: 'failed', severity: 'critical', problems: ['expires_soon'], reason: /^critical: expires in 0 days/ },
    {
      given: 'an untrusted certificate for another name expiring soon',
      reading: presented(certificate({ trust: { kind: 'untrusted', reason: 'the issuer CN=X was not presented and is not a trusted CA' }, hostnameProblem: 'Host: a. is not in the cert' }, 10)),
      status: 'failed',
      severity: 'critical',
      problems: ['untrusted', 'hostname_mismatch', 'expires_soon'],
      reason: /^critical: untrusted chain: .*; hostname mismatch: .*; expires in 10 days \(warning under 21\); subject/,
    },
  ];
  for (const row of table) {
    it(`given ${row.given}, then ${row.status} (${row.severity}: ${row.problems.join(', ') || 'no problem'})`, () => {
      const judgement = judgeCertificate(row.reading, THRESHOLDS);
      assert.deepEqual([judgement.status, judgement.severity, judgement.problems], [row.status, row.severity, row.problems]);
      assert.match(judgement.reason, row.reason);
    });
  }

  it('given other thresholds, then they decide the severity', () => {
    assert.equal(judgeCertificate(presented(certificate({}, 25)), { warnDays: 30, criticalDays: 14 }).severity, 'warning');
    assert.equal(judgeCertificate(presented(certificate({}, 13)), { warnDays: 30, criticalDays: 14 }).severity, 'critical');
    assert.equal(judgeCertificate(presented(certificate({}, 0)), { warnDays: 1, criticalDays: 0 }).severity, 'warning');
  });

  it('gives the whole days left, or null without a certificate', () => {
    assert.equal(judgeCertificate(presented(certificate({}, 45)), THRESHOLDS).daysLeft, 45);
    assert.equal(judgeCertificate({ kind: 'unreachable', observedAt: NOW, reason: 'x' }, THRESHOLDS).daysLeft, null);
  });
});
