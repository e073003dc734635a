import type { DnsRecordConfig } from '@jarvis/config';
import { targetOf, type TargetRef } from '@jarvis/contracts';
import type { ScheduledProbe } from '../../scheduled-probe.js';
import { DNS_RESOLUTION_CHECK, judgeDnsRecord, type DnsExpectation, type DnsJudgement, type DnsServerRole, type ServerAnswer } from './dns-record-check.js';
import type { DnsQueryPort, PushedAddressPort } from './dns-record-port.js';

/** The scheduler's own deadline sits above the queries', so a silent server reads as a timeout, not a probe error. */
const SCHEDULER_MARGIN_MS = 1000;

/**
 * Asks every configured resolver and authoritative server for every type of one name, all at once, and judges
 * the answers against the configured addresses or what ddclient last pushed.
 */
export class DnsRecordProbe implements ScheduledProbe {
  readonly target: TargetRef;
  readonly check = DNS_RESOLUTION_CHECK;
  readonly intervalMs: number;
  readonly timeoutMs: number;

  constructor(
    private readonly record: DnsRecordConfig,
    private readonly dns: DnsQueryPort,
    private readonly pushed: PushedAddressPort | undefined,
  ) {
    this.target = targetOf('dns_record', record.domain);
    this.intervalMs = record.intervalSeconds * 1000;
    this.timeoutMs = record.timeoutMs * record.tries + SCHEDULER_MARGIN_MS;
  }

  async run(signal: AbortSignal): Promise<DnsJudgement> {
    const [expectation, answers] = await Promise.all([this.expectation(signal), this.ask(signal)]);
    return judgeDnsRecord(this.record.domain, expectation, answers);
  }

  private async expectation(signal: AbortSignal): Promise<DnsExpectation> {
    const { expectedAddresses, expectedFrom } = this.record;
    if (expectedAddresses !== undefined) return { addresses: expectedAddresses, source: 'configured' };
    if (expectedFrom === undefined) return { addresses: null, why: 'no expected address configured' };
    if (this.pushed === undefined) return { addresses: null, why: `no ${expectedFrom} source is available in this process` };
    const pushed = await this.pushed.lastPushed(this.record.domain, signal);
    return pushed.addresses === null ? pushed : { addresses: pushed.addresses, source: expectedFrom };
  }

  private ask(signal: AbortSignal): Promise<ServerAnswer[]> {
    const servers: Array<[string, DnsServerRole]> = [
      ...this.record.authoritative.map((server): [string, DnsServerRole] => [server, 'authoritative']),
      ...this.record.resolvers.map((server): [string, DnsServerRole] => [server, 'resolver']),
    ];
    const { domain: name, timeoutMs, tries } = this.record;
    return Promise.all(
      servers.flatMap(([server, role]) =>
        this.record.types.map(async (type) => ({ server, role, type, reply: await this.dns.query({ server, name, type, timeoutMs, tries }, signal) })),
      ),
    );
  }
}
