import { isIP } from 'node:net';
import type { ProbeFinding } from '../../scheduled-probe.js';
import { field } from './admin-api-judgement.js';
import type { Reachability, UpstreamEndpoint } from './caddy-port.js';

export const CADDY_UPSTREAMS_CHECK = 'caddy_upstreams';

/** One entry of `GET /reverse_proxy/upstreams`. */
export type UpstreamStatus = { address: string; numRequests: number; fails: number };

/** What the check learnt about one upstream: Caddy's counters and, for an IP literal, a direct connection. */
export type UpstreamObservation = UpstreamStatus & { direct: Reachability | 'not_probed' };

const UPSTREAM_ADDRESS = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]/\s]+)):(\d{1,5})$/;

/** The admin API's answer as upstream statuses, or why it is not one. */
export function parseUpstreams(body: unknown): UpstreamStatus[] | string {
  if (!Array.isArray(body)) return 'the answer is not a list';
  const statuses: UpstreamStatus[] = [];
  for (const entry of body) {
    const address = field(entry, 'address');
    const numRequests = field(entry, 'num_requests');
    const fails = field(entry, 'fails');
    if (typeof address !== 'string' || typeof numRequests !== 'number' || typeof fails !== 'number') return `unexpected entry ${JSON.stringify(entry).slice(0, 200)}`;
    statuses.push({ address, numRequests, fails });
  }
  return statuses;
}

/**
 * Where to connect to check an upstream directly: IP literals and `localhost` (loopback by definition) only.
 * Other names are left to Caddy's counters, because the check never resolves a name.
 */
export function upstreamEndpoint(address: string): UpstreamEndpoint | null {
  const match = UPSTREAM_ADDRESS.exec(address);
  if (!match) return null;
  const host = match[1] ?? match[2]!;
  const port = Number(match[3]);
  if (port < 1 || port > 65535) return null;
  if (host === 'localhost') return { address: '127.0.0.1', port };
  return isIP(host) === 0 ? null : { address: host, port };
}

/** Unhealthy: Caddy counts recent failures, or a direct connection is refused. Every upstream is in the evidence. */
export function judgeUpstreams(observations: readonly UpstreamObservation[]): ProbeFinding {
  if (observations.length === 0) return { status: 'ok', reason: 'no reverse-proxy upstreams' };
  const unhealthy = observations.filter(isUnhealthy);
  const evidence = observations.map(describeUpstream).join('; ');
  if (unhealthy.length === 0) return { status: 'ok', reason: `${observations.length} upstream(s) healthy: ${evidence}` };
  return { status: 'failed', reason: `${unhealthy.length} of ${observations.length} upstream(s) unhealthy: ${unhealthy.map(describeUpstream).join('; ')}` };
}

function isUnhealthy(upstream: UpstreamObservation): boolean {
  return upstream.fails > 0 || (upstream.direct !== 'not_probed' && !upstream.direct.reachable);
}

function describeUpstream({ address, numRequests, fails, direct }: UpstreamObservation): string {
  const connection = direct === 'not_probed' ? 'not probed directly (a name)' : direct.reachable ? 'accepts connections' : `down (${direct.reason})`;
  return `${address} ${connection}, ${fails} recent failure(s), ${numRequests} request(s) in flight`;
}
