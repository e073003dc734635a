import { assertNever } from '@jarvis/contracts';
import type { ProbeFinding } from '../../scheduled-probe.js';
import type { CertificateFacts, TlsReading } from './tls-port.js';

export const TLS_CERTIFICATE_CHECK = 'tls_certificate';

const DAY_MS = 86_400_000;

export type ExpiryThresholds = { warnDays: number; criticalDays: number };
export type CertificateSeverity = 'ok' | 'warning' | 'critical';
export type CertificateProblem = 'unreachable' | 'no_certificate' | 'self_signed' | 'untrusted' | 'hostname_mismatch' | 'expired' | 'not_yet_valid' | 'expires_soon';

/** A finding for the monitor (a warning fails too: a renewal is due) plus what a person or a correlation needs. */
export type CertificateJudgement = ProbeFinding & { severity: CertificateSeverity; problems: CertificateProblem[]; daysLeft: number | null };

type Flag = { problem: CertificateProblem; severity: Exclude<CertificateSeverity, 'ok'>; text: string };

/**
 * Judges one handshake: every problem found is named (a self-signed fallback is usually also a hostname mismatch),
 * the worst decides the severity, and the issuer and validity are always in the evidence.
 */
export function judgeCertificate(reading: TlsReading, thresholds: ExpiryThresholds): CertificateJudgement {
  switch (reading.kind) {
    case 'unreachable':
      return { status: 'failed', severity: 'critical', problems: ['unreachable'], daysLeft: null, reason: `unreachable: ${reading.reason}` };
    case 'no_certificate':
      return { status: 'failed', severity: 'critical', problems: ['no_certificate'], daysLeft: null, reason: `no certificate: ${reading.reason}` };
    case 'presented':
      return judgePresented(reading.certificate, reading.observedAt, thresholds);
    default:
      return assertNever(reading);
  }
}

function judgePresented(certificate: CertificateFacts, now: Date, thresholds: ExpiryThresholds): CertificateJudgement {
  const daysLeft = Math.floor((certificate.validTo.getTime() - now.getTime()) / DAY_MS);
  const flags = [...trustFlags(certificate), ...hostnameFlags(certificate), ...dateFlags(certificate, now, daysLeft, thresholds)];
  const evidence = describeCertificate(certificate, daysLeft);
  const problems = flags.map((flag) => flag.problem);
  if (flags.length === 0) return { status: 'ok', severity: 'ok', problems, daysLeft, reason: evidence };
  const severity = flags.some((flag) => flag.severity === 'critical') ? 'critical' : 'warning';
  return { status: 'failed', severity, problems, daysLeft, reason: `${severity}: ${flags.map((flag) => flag.text).join('; ')}; ${evidence}` };
}

function trustFlags({ trust }: CertificateFacts): Flag[] {
  switch (trust.kind) {
    case 'trusted':
      return [];
    case 'self_signed':
      return [{ problem: 'self_signed', severity: 'critical', text: 'self-signed certificate (a fallback, not one issued by a trusted CA)' }];
    case 'untrusted':
      return [{ problem: 'untrusted', severity: 'critical', text: `untrusted chain: ${trust.reason}` }];
    default:
      return assertNever(trust);
  }
}

function hostnameFlags({ hostnameProblem }: CertificateFacts): Flag[] {
  return hostnameProblem === null ? [] : [{ problem: 'hostname_mismatch', severity: 'critical', text: `hostname mismatch: ${hostnameProblem}` }];
}

function dateFlags(certificate: CertificateFacts, now: Date, daysLeft: number, { warnDays, criticalDays }: ExpiryThresholds): Flag[] {
  if (now.getTime() > certificate.validTo.getTime()) {
    return [{ problem: 'expired', severity: 'critical', text: `expired on ${certificate.validTo.toISOString()}` }];
  }
  if (now.getTime() < certificate.validFrom.getTime()) {
    return [{ problem: 'not_yet_valid', severity: 'critical', text: `not valid before ${certificate.validFrom.toISOString()}` }];
  }
  if (daysLeft < criticalDays) return [{ problem: 'expires_soon', severity: 'critical', text: `expires in ${daysLeft} days (critical under ${criticalDays})` }];
  if (daysLeft < warnDays) return [{ problem: 'expires_soon', severity: 'warning', text: `expires in ${daysLeft} days (warning under ${warnDays})` }];
  return [];
}

function describeCertificate({ subject, issuer, validTo, trust }: CertificateFacts, daysLeft: number): string {
  const anchor = trust.kind === 'trusted' ? `, trusted through ${trust.anchor}` : '';
  return `subject ${subject}, issuer ${issuer}${anchor}, valid until ${validTo.toISOString()} (${daysLeft >= 0 ? `${daysLeft} days left` : 'expired'})`;
}
