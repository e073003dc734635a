import type { ProbeFinding } from '../../scheduled-probe.js';
import type { DdclientHostReading, DdclientInspection } from './ddclient-port.js';

export const DDCLIENT_UPDATE_CHECK = 'ddclient_update';

const LISTED = 3;

const REASONS: Readonly<Record<string, string>> = {
  bad_signature: "the TSIG key's secret does not match the DNS server's (NOTAUTH(BADSIG))",
  bad_key: 'the DNS server does not know the TSIG key name (NOTAUTH(BADKEY))',
  refused: 'the DNS server refused the update (REFUSED)',
  key_unreadable: 'nsupdate could not read the key file',
  bad_auth: 'the service rejected the login or password',
  wait_between_attempts: 'skipped: the last attempt failed and ddclient waits 5 minutes before trying again (-force runs it at once)',
  other: 'see the ddclient output',
};

/**
 * Fails when ddclient.conf has errors or the log shows a failed or skipped update for a host: either way the
 * address is not being published. Warnings alone pass, listed in the reason.
 */
export function judgeDdclient(inspection: DdclientInspection): ProbeFinding {
  const errors = inspection.problems.filter((p) => p.severity === 'error');
  const warnings = inspection.problems.filter((p) => p.severity === 'warning');
  const failing = (inspection.hosts ?? []).filter((h) => h.outcome === 'failed' || h.outcome === 'skipped');
  const parts: string[] = [];
  if (errors.length > 0) parts.push(`ddclient.conf has ${count(errors.length, 'error')}: ${listed(errors.map((p) => `${p.where}: ${p.message}`))}`);
  if (failing.length > 0) parts.push(`updates not published for ${count(failing.length, 'host')}: ${listed(failing.map(describeHost))}`);
  if (parts.length > 0) return { status: 'failed', reason: parts.join('; ') };
  return { status: 'ok', reason: healthy(inspection, warnings.length) };
}

function healthy(inspection: DdclientInspection, warnings: number): string {
  const parts = [`ddclient.conf valid (${count(inspection.hostCount, 'host')})`];
  if (warnings > 0) parts.push(count(warnings, 'warning'));
  if (inspection.hosts) parts.push(inspection.hosts.length === 0 ? 'no update in the log yet' : `log: ${listed(inspection.hosts.map(describeHost))}`);
  if (inspection.logProblem) parts.push(`log unreadable: ${inspection.logProblem}`);
  return parts.join('; ');
}

/** A host's last outcome, and why in words when it failed or was skipped. */
export function describeHost(host: DdclientHostReading): string {
  if (host.outcome === 'updated' || host.outcome === 'attempted') return `${host.host} ${host.outcome}`;
  return `${host.host} ${host.outcome}: ${REASONS[host.reason ?? 'other'] ?? REASONS['other']}`;
}

function listed(items: readonly string[]): string {
  const shown = items.slice(0, LISTED).join('; ');
  return items.length > LISTED ? `${shown}; and ${items.length - LISTED} more` : shown;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
