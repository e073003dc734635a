import type { ProbeFinding } from '../../scheduled-probe.js';
import type { CertificateJudgement } from '../tls-certificate/certificate-judgement.js';
import { field, httpServersOf } from './admin-api-judgement.js';

export const CADDY_CERTIFICATES_CHECK = 'caddy_certificates';

/** More sites than one check reports on; past it the evidence says how many were left out. */
export const MAX_CHECKED_SITES = 100;

/**
 * The host names of the HTTPS sites in an adapted Caddyfile: the `host` matchers of the routes of every server that
 * listens on Caddy's HTTPS port. Wildcards and IP addresses are left out: no single SNI name stands for them.
 */
export function httpsSitesOf(adapted: unknown, httpsPort: number): string[] {
  const servers = field(field(field(adapted, 'apps'), 'http'), 'servers');
  const hosts = new Set<string>();
  for (const server of httpServersOf(adapted)) {
    if (!server.listen.some((address) => listensOn(address, httpsPort))) continue;
    for (const host of routeHosts(field(field(servers, server.name), 'routes'))) hosts.add(host.toLowerCase());
  }
  return [...hosts].filter((host) => !host.includes('*') && !/^[\d.]+$|:/.test(host)).sort();
}

/** Every site must be served a valid certificate; each failing one is named with its own judgement. */
export function judgeSiteCertificates(sites: ReadonlyArray<{ host: string; judgement: CertificateJudgement }>, leftOut: number): ProbeFinding {
  const more = leftOut > 0 ? ` (${leftOut} more not checked)` : '';
  if (sites.length === 0) return { status: 'ok', reason: 'no HTTPS site in the Caddyfile' };
  const failing = sites.filter(({ judgement }) => judgement.status === 'failed');
  if (failing.length === 0) {
    return { status: 'ok', reason: `${sites.length} site(s) covered${more}: ${sites.map(({ host, judgement }) => `${host} (${judgement.daysLeft} days left)`).join(', ')}` };
  }
  return {
    status: 'failed',
    reason: `${failing.length} of ${sites.length} site(s) not covered by a valid certificate${more}: ${failing.map(({ host, judgement }) => `${host}: ${judgement.reason}`).join(' | ')}`,
  };
}

function listensOn(address: string, port: number): boolean {
  return address.endsWith(`:${port}`) || address.endsWith(`:${port}-${port}`);
}

function routeHosts(routes: unknown): string[] {
  if (!Array.isArray(routes)) return [];
  return routes.flatMap((route) => {
    const matchers = field(route, 'match');
    if (!Array.isArray(matchers)) return [];
    return matchers.flatMap((matcher) => {
      const host = field(matcher, 'host');
      return Array.isArray(host) ? host.filter((entry): entry is string => typeof entry === 'string') : [];
    });
  });
}
