import type { JarvisConfig } from '@jarvis/config';
import { targetOf } from '@jarvis/contracts';
import type { TargetDependency } from '../../dependency-graph.js';
import type { TargetKindPlugin } from '../../target-kind.js';
import { DNS_RESOLUTION_CHECK } from './dns-record-check.js';
import { DnsRecordProbe } from './dns-record-probe.js';
import type { DnsQueryPort, PushedAddressPort } from './dns-record-port.js';
import type { DdclientPort } from '../ddclient/ddclient-port.js';
import { describeRemediateDns, REMEDIATE_DNS, RemediateDns } from './remediate-dns.js';

/**
 * `pushedAddresses` comes with the ddclient kind; until a process has it, `expectedFrom: ddclient` judges without an
 * expected address. `ddclient` republishes a record whose address is ddclient's.
 */
export type DnsRecordDependencies = { dns: DnsQueryPort; pushedAddresses?: PushedAddressPort; ddclient?: DdclientPort };

/**
 * DNS names listed under `dns.records` in jarvis.yaml, checked on a schedule (`infrastructure_diagnose_dns`) and
 * healed by `infrastructure_remediate_dns` where a remedy can exist (ddclient's record, stale resolvers); other
 * failing records are incidents for a person.
 */
export function dnsRecordKind(config: JarvisConfig): TargetKindPlugin<DnsRecordDependencies> {
  return {
    kind: 'dns_record',
    checks: [DNS_RESOLUTION_CHECK],
    actions: [describeRemediateDns(config.dns.records, config.ddclient)],
    remediation: { [DNS_RESOLUTION_CHECK]: REMEDIATE_DNS },
    createActions: ({ dns, pushedAddresses, ddclient }) => [
      new RemediateDns(config.dns.records, config.ddclient, (record, signal) => new DnsRecordProbe(record, dns, pushedAddresses).run(signal), ddclient),
    ],
    createProbes: ({ dns, pushedAddresses }) => config.dns.records.map((record) => new DnsRecordProbe(record, dns, pushedAddresses)),
    dependencies: () => publishedByDdclient(config),
  };
}

/** A record whose address is what ddclient pushes goes wrong when ddclient does. */
function publishedByDdclient({ dns, ddclient }: JarvisConfig): TargetDependency[] {
  if (!ddclient) return [];
  return dns.records
    .filter((record) => record.expectedFrom === 'ddclient')
    .map((record) => ({ target: targetOf('dns_record', record.domain), dependsOn: targetOf('ddclient', ddclient.name), why: `${record.domain} is published by ddclient` }));
}
