import type { JarvisConfig } from '@jarvis/config';
import { CapabilityRegistry } from './capability-registry.js';
import { caddyKind, type CaddyDependencies } from './kinds/caddy/caddy-kind.js';
import { containerKind, type ContainerDependencies } from './kinds/container/container-kind.js';
import { ddclientKind, type DdclientDependencies } from './kinds/ddclient/ddclient-kind.js';
import { diskKind, type DiskDependencies } from './kinds/disk/disk-kind.js';
import { dnsRecordKind, type DnsRecordDependencies } from './kinds/dns-record/dns-record-kind.js';
import { httpEndpointKind, type HttpEndpointDependencies } from './kinds/http-endpoint/http-endpoint-kind.js';
import { tlsCertificateKind, type TlsCertificateDependencies } from './kinds/tls-certificate/tls-certificate-kind.js';

/** The I/O every kind's actions need, together: each kind takes its own part. */
export type CapabilityDependencies = ContainerDependencies & DiskDependencies & HttpEndpointDependencies & TlsCertificateDependencies & CaddyDependencies & DdclientDependencies & DnsRecordDependencies;

/** The one place target kinds are registered; a new kind is one line here and one folder under `kinds/`. */
export function capabilityRegistry(config: JarvisConfig): CapabilityRegistry<CapabilityDependencies> {
  return new CapabilityRegistry<CapabilityDependencies>([containerKind(config), diskKind(config), httpEndpointKind(config), tlsCertificateKind(config), caddyKind(config), ddclientKind(config), dnsRecordKind(config)]);
}
