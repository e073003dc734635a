import type { CaddyConfig, JarvisConfig } from '@jarvis/config';
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

export type CaddyDependencies = { caddy: CaddyPort; tls: TlsPort };

/** The scheduler's own deadline sits above the steps', so a hung step reads as its own failure, not a probe error. */
const SCHEDULER_MARGIN_MS = 1000;

/**
 * Caddy instances listed under `caddy:` in jarvis.yaml: a kind of its own rather than checks on the TLS kind,
 * because its target is the server (admin API, Caddyfile, upstreams) and what heals it (a retry, a restart)
 * acts on the server, not on one certificate. Missing certificates are healed by making Caddy retry its orders.
 */
export function caddyKind(config: JarvisConfig): TargetKindPlugin<CaddyDependencies> {
  const remediateSsl = describeRemediateSsl(config.caddy);
  return {
    kind: 'caddy',
    checks: [CADDY_ADMIN_API_CHECK, CADDY_CONFIG_LOADED_CHECK, CADDY_CADDYFILE_VALID_CHECK, CADDY_UPSTREAMS_CHECK, CADDY_CERTIFICATES_CHECK],
    actions: [remediateSsl],
    remediation: { [CADDY_CERTIFICATES_CHECK]: REMEDIATE_SSL },
    createActions: ({ caddy, tls }) => [new RemediateSsl(config.caddy, caddy, tls)],
    createProbes: ({ caddy, tls }) => config.caddy.flatMap((instance) => probesOf(instance, new CaddyLooks(instance, caddy, tls))),
  };
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
