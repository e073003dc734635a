import type { JarvisConfig } from '@jarvis/config';
import { targetOf } from '@jarvis/contracts';
import type { TargetDependency } from '../../dependency-graph.js';
import type { TargetKindPlugin } from '../../target-kind.js';
import { TLS_CERTIFICATE_CHECK } from './certificate-judgement.js';
import { TlsCertificateProbe } from './tls-certificate-probe.js';
import type { TlsPort } from './tls-port.js';

export type TlsCertificateDependencies = { tls: TlsPort };

/**
 * TLS certificates listed under `tls.endpoints:` in jarvis.yaml, checked on a schedule (`infrastructure_diagnose_ssl`).
 * No remediation yet: what renews a certificate depends on who issues it (Caddy's retry, a restart).
 */
export function tlsCertificateKind(config: JarvisConfig): TargetKindPlugin<TlsCertificateDependencies> {
  return {
    kind: 'tls_certificate',
    checks: [TLS_CERTIFICATE_CHECK],
    actions: [],
    remediation: {},
    createActions: () => [],
    createProbes: ({ tls }) => config.tls.endpoints.map((endpoint) => new TlsCertificateProbe(endpoint, tls)),
    dependencies: () => certificatesOnWatchedNames(config),
  };
}

/** A certificate is issued only once its host name resolves (the ACME challenge), so it relies on that record. */
function certificatesOnWatchedNames({ tls, dns }: JarvisConfig): TargetDependency[] {
  const watched = new Set(dns.records.map((record) => record.domain));
  return tls.endpoints
    .filter((endpoint) => watched.has(endpoint.host))
    .map((endpoint) => ({ target: targetOf('tls_certificate', endpoint.name), dependsOn: targetOf('dns_record', endpoint.host), why: `the certificate of ${endpoint.host} needs its name to resolve` }));
}
