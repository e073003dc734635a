import type { CaddyConfig } from '@jarvis/config';
import type { ProbeFinding } from '../../scheduled-probe.js';
import { judgeCertificate } from '../tls-certificate/certificate-judgement.js';
import type { TlsPort } from '../tls-certificate/tls-port.js';
import { judgeAdminApi, judgeConfigLoaded } from './admin-api-judgement.js';
import { describeCaddyFailure, judgeCaddyfileValidation } from './caddyfile-validation.js';
import type { CaddyPort } from './caddy-port.js';
import { httpsSitesOf, judgeSiteCertificates, MAX_CHECKED_SITES } from './site-certificates.js';
import { judgeUpstreams, parseUpstreams, upstreamEndpoint, type UpstreamObservation } from './upstream-health.js';

/** What each Caddy check reads, then judges; each function is one check's whole run. */
export class CaddyLooks {
  private readonly where: string;

  constructor(
    private readonly instance: CaddyConfig,
    private readonly caddy: CaddyPort,
    private readonly tls: TlsPort,
  ) {
    this.where = instance.adminAddress.includes(':') ? `[${instance.adminAddress}]:${instance.adminPort}` : `${instance.adminAddress}:${instance.adminPort}`;
  }

  async adminApi(signal: AbortSignal): Promise<ProbeFinding> {
    return judgeAdminApi(await this.caddy.admin(this.instance, '/config/', signal), this.where);
  }

  async configLoaded(signal: AbortSignal): Promise<ProbeFinding> {
    return judgeConfigLoaded(await this.caddy.admin(this.instance, '/config/', signal), this.where);
  }

  async caddyfileValid(signal: AbortSignal): Promise<ProbeFinding> {
    return judgeCaddyfileValidation(await this.caddy.validate(this.instance, signal), this.instance.caddyfile);
  }

  async upstreams(signal: AbortSignal): Promise<ProbeFinding> {
    const reading = await this.caddy.admin(this.instance, '/reverse_proxy/upstreams', signal);
    if (reading.kind === 'unreachable' || reading.status !== 200) return { status: 'failed', reason: `cannot read the upstreams: ${judgeAdminApi(reading, this.where).reason}` };
    const statuses = parseUpstreams(reading.body);
    if (typeof statuses === 'string') return { status: 'failed', reason: `cannot read the upstreams: ${statuses}` };
    const observations = await Promise.all(
      statuses.map(async (status): Promise<UpstreamObservation> => {
        const endpoint = upstreamEndpoint(status.address);
        return { ...status, direct: endpoint ? await this.caddy.reach(endpoint, this.instance.timeoutMs, signal) : 'not_probed' };
      }),
    );
    return judgeUpstreams(observations);
  }

  /** Every HTTPS site of the Caddyfile (as `caddy adapt` reads it), each shaken hands with on Caddy's HTTPS port. */
  async certificates(signal: AbortSignal): Promise<ProbeFinding> {
    const run = await this.caddy.adapt(this.instance, signal);
    if (run.exitCode !== 0 || run.timedOut) return { status: 'failed', reason: `cannot list the sites: ${describeCaddyFailure(run, 'adapt', this.instance.caddyfile)}` };
    const adapted = parseJson(run.stdout);
    if (adapted === undefined) return { status: 'failed', reason: 'cannot list the sites: caddy adapt printed no JSON config' };
    const hosts = httpsSitesOf(adapted, this.instance.httpsPort);
    const checked = hosts.slice(0, MAX_CHECKED_SITES);
    const sites = await Promise.all(checked.map(async (host) => ({ host, judgement: judgeCertificate(await this.handshake(host, signal), this.instance) })));
    return judgeSiteCertificates(sites, hosts.length - checked.length);
  }

  private handshake(servername: string, signal: AbortSignal) {
    const { httpsAddress: address, httpsPort: port, caFile, timeoutMs } = this.instance;
    return this.tls.handshake({ servername, address, port, caFile, timeoutMs }, signal);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
