import type { CaddyConfig, JarvisConfig } from '@jarvis/config';
import { targetOf, type TargetRef } from '@jarvis/contracts';
import type { TargetDependency } from '../../dependency-graph.js';
import type { ComponentRestartPort } from '../../component-restart/component-restart-port.js';
import { describeRestartComponent, RestartComponent, type RestartSpec } from '../../component-restart/restart-component.js';
import type { TargetKindPlugin } from '../../target-kind.js';
import type { TlsPort } from '../tls-certificate/tls-port.js';
import { CADDY_ADMIN_API_CHECK, CADDY_CONFIG_LOADED_CHECK } from './admin-api-judgement.js';
import { CaddyLooks } from './caddy-looks.js';
import type { CaddyPort } from './caddy-port.js';
import { CaddyProbe } from './caddy-probe.js';
import { describeRemediateSsl, REMEDIATE_SSL, RemediateSsl } from './remediate-ssl.js';
import { CADDY_CADDYFILE_VALID_CHECK } from './caddyfile-validation.js';
import { CADDY_CERTIFICATES_CHECK } from './site-certificates.js';
import { CADDY_UPSTREAMS_CHECK } from './upstream-health.js';

export type CaddyDependencies = { caddy: CaddyPort; tls: TlsPort; restarts: ComponentRestartPort };

export const RESTART_CADDY = 'restart_caddy';

/** Room for a container's or unit's restart (Docker waits 10 s for a graceful stop) and the handshakes around it. */
const RESTART_DEADLINE_MS = 60_000;

/** The scheduler's own deadline sits above the steps', so a hung step reads as its own failure, not a probe error. */
const SCHEDULER_MARGIN_MS = 1000;

/**
 * Caddy instances listed under `caddy:` in jarvis.yaml: a kind of its own rather than checks on the TLS kind,
 * because its target is the server (admin API, Caddyfile, upstreams) and what heals it (a retry, a restart)
 * acts on the server, not on one certificate. Missing certificates are healed by making Caddy retry its orders,
 * then, when jarvis.yaml says how Caddy runs (`runsAs`), by restarting its container or unit.
 */
export function caddyKind(config: JarvisConfig): TargetKindPlugin<CaddyDependencies> {
  const remediateSsl = describeRemediateSsl(config.caddy);
  const instanceOf = (target: TargetRef) => config.caddy.find((instance) => instance.name === target.id);
  // A restart answers the certificates check (after the retry): verification waits for every site's certificate.
  const restartSpec = (ports?: Pick<CaddyDependencies, 'caddy' | 'tls'>): RestartSpec => ({
    name: RESTART_CADDY,
    kind: 'caddy',
    runsAs: (target) => instanceOf(target)?.runsAs,
    check: (target, signal) => {
      const instance = instanceOf(target);
      if (!instance || !ports) throw new Error(`${target.id} is not a Caddy listed in jarvis.yaml`);
      return new CaddyLooks(instance, ports.caddy, ports.tls).certificates(signal);
    },
    deadlineMs: RESTART_DEADLINE_MS,
  });
  return {
    kind: 'caddy',
    checks: [CADDY_ADMIN_API_CHECK, CADDY_CONFIG_LOADED_CHECK, CADDY_CADDYFILE_VALID_CHECK, CADDY_UPSTREAMS_CHECK, CADDY_CERTIFICATES_CHECK],
    actions: [remediateSsl, describeRestartComponent(restartSpec())],
    remediation: { [CADDY_CERTIFICATES_CHECK]: REMEDIATE_SSL },
    fallbacks: { [CADDY_CERTIFICATES_CHECK]: [RESTART_CADDY] },
    createActions: ({ caddy, tls, restarts }) => [new RemediateSsl(config.caddy, caddy, tls), new RestartComponent(restartSpec({ caddy, tls }), restarts)],
    createProbes: ({ caddy, tls }) => config.caddy.flatMap((instance) => probesOf(instance, new CaddyLooks(instance, caddy, tls))),
    dependencies: () => certificatesOnServedNames(config),
  };
}

/**
 * Caddy's sites come from its running config, not from jarvis.yaml; a `tls.endpoints` entry reached at a Caddy's
 * HTTPS address and port is one of its sites. Its certificate is ordered only once its name resolves (the ACME
 * challenge), so the Caddy's certificates check relies on the record of each such name watched under `dns.records`;
 * its other checks (admin API, upstreams) do not.
 */
function certificatesOnServedNames({ caddy, tls, dns }: JarvisConfig): TargetDependency[] {
  const watched = new Set(dns.records.map((record) => record.domain));
  return caddy.flatMap((instance) =>
    tls.endpoints
      .filter((endpoint) => endpoint.address === instance.httpsAddress && endpoint.port === instance.httpsPort && watched.has(endpoint.host))
      .map((endpoint) => ({
        target: targetOf('caddy', instance.name),
        dependsOn: targetOf('dns_record', endpoint.host),
        check: CADDY_CERTIFICATES_CHECK,
        why: `Caddy ${instance.name} orders the certificate of ${endpoint.host} only once that name resolves`,
      })),
  );
}

function probesOf(instance: CaddyConfig, looks: CaddyLooks): CaddyProbe[] {
  const step = instance.timeoutMs + SCHEDULER_MARGIN_MS;
  return [
    new CaddyProbe(instance, CADDY_ADMIN_API_CHECK, step, (signal) => looks.adminApi(signal)),
    new CaddyProbe(instance, CADDY_CONFIG_LOADED_CHECK, step, (signal) => looks.configLoaded(signal)),
    new CaddyProbe(instance, CADDY_CADDYFILE_VALID_CHECK, step, (signal) => looks.caddyfileValid(signal)),
    // The admin call, then every upstream connection at once.
    new CaddyProbe(instance, CADDY_UPSTREAMS_CHECK, 2 * step, (signal) => looks.upstreams(signal)),
    // caddy adapt, then every site's handshake at once.
    new CaddyProbe(instance, CADDY_CERTIFICATES_CHECK, 2 * step, (signal) => looks.certificates(signal)),
  ];
}
