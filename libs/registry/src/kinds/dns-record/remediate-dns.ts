import { DdclientConfig, type DnsRecordConfig } from '@jarvis/config';
import type { TargetRef } from '@jarvis/contracts';
import type { ActionDescriptor, ActionOutcome, Reobservation, RemediationAction, VerificationVerdict } from '../../remediation-action.js';
import type { DdclientPort } from '../ddclient/ddclient-port.js';
import { runProblem } from '../ddclient/fix-ddclient.js';
import type { DnsJudgement, DnsProblem } from './dns-record-check.js';

/** No parameters: which name, which servers and which ddclient are the operator's settings, not a message's. */
export class RemediateDnsParams {}

export const REMEDIATE_DNS = 'infrastructure_remediate_dns';

/** The authoritative servers do not hold the expected record: only a new publication fixes that. */
const ZONE_PROBLEMS: ReadonlySet<DnsProblem['kind']> = new Set(['nxdomain', 'nodata', 'wrong_address']);
/** A resolver still answering from its cache while the zone is right. */
const CACHE_PROBLEMS: ReadonlySet<DnsProblem['kind']> = new Set(['propagation', 'drift']);

/** What one look at the record says to do. */
export type DnsRemedy = { kind: 'republish' } | { kind: 'await_ttl'; resolvers: string[] } | { kind: 'none'; why: string };

/**
 * The remedy for a record's problems: republish through ddclient when the zone itself is wrong and the address is
 * ddclient's; wait out the TTL when only resolvers are stale (no resolver is flushed: that needs rndc access to it,
 * which Jarvis is not given); nothing otherwise (a timeout, a refusal, a wrong zone nobody publishes).
 */
export function dnsRemedy(record: Pick<DnsRecordConfig, 'expectedFrom'>, problems: readonly DnsProblem[], ddclientConfigured: boolean): DnsRemedy {
  const zone = problems.filter((p) => p.role === 'authoritative' && ZONE_PROBLEMS.has(p.kind));
  if (zone.length > 0) {
    if (record.expectedFrom === 'ddclient' && ddclientConfigured) return { kind: 'republish' };
    return { kind: 'none', why: `the zone does not hold the record (${zone.map((p) => `${p.server} ${p.said}`).join('; ')}) and no ddclient publishes it` };
  }
  if (problems.length > 0 && problems.every((p) => p.role === 'resolver' && CACHE_PROBLEMS.has(p.kind))) return { kind: 'await_ttl', resolvers: [...new Set(problems.map((p) => p.server))] };
  return { kind: 'none', why: `no remedy for ${problems.map((p) => `${p.kind} at ${p.role} ${p.server}`).join('; ') || 'a record that resolves'}` };
}

export function describeRemediateDns(records: readonly DnsRecordConfig[], ddclient: DdclientConfig | undefined): ActionDescriptor<RemediateDnsParams> {
  return {
    name: REMEDIATE_DNS,
    kind: 'dns_record',
    risk: 'low',
    params: RemediateDnsParams,
    defaultParams: () => new RemediateDnsParams(),
    deadlineMs: (ddclient ?? new DdclientConfig()).runTimeoutSeconds * 1000 + 10_000,
    maxAttemptsPerIncident: 1,
    // Only where a remedy can exist: an address ddclient publishes, or resolvers that can be stale.
    appliesTo: (target) => records.some((r) => r.domain === target.id && ((r.expectedFrom === 'ddclient' && ddclient !== undefined) || r.resolvers.length > 0)),
  };
}

/** The DNS check of one record, as its probe runs it. */
export type LookAtRecord = (record: DnsRecordConfig, signal: AbortSignal) => Promise<DnsJudgement>;

/**
 * `infrastructure_remediate_dns`: republishes a ddclient-published record with `ddclient -force`, or, when only
 * resolvers are stale, says so and lets verification wait for their TTL; verification re-runs the DNS check.
 */
export class RemediateDns implements RemediationAction<RemediateDnsParams> {
  readonly name: string;
  readonly kind;
  readonly risk;
  readonly params;
  readonly defaultParams;
  readonly deadlineMs: number;
  readonly maxAttemptsPerIncident?: number;
  private readonly descriptor: ActionDescriptor<RemediateDnsParams>;

  constructor(
    private readonly records: readonly DnsRecordConfig[],
    private readonly ddclient: DdclientConfig | undefined,
    private readonly look: LookAtRecord,
    private readonly ddclientPort: DdclientPort | undefined,
  ) {
    this.descriptor = describeRemediateDns(records, ddclient);
    ({ name: this.name, kind: this.kind, risk: this.risk, params: this.params, defaultParams: this.defaultParams, deadlineMs: this.deadlineMs, maxAttemptsPerIncident: this.maxAttemptsPerIncident } = this.descriptor);
  }

  appliesTo(target: TargetRef): boolean {
    return this.descriptor.appliesTo!(target);
  }

  /**
   * Done when the DNS check passes now: the record answers with the expected address from the authoritative servers
   * and the resolvers, which is this action's effect whoever published it. Not `rerunsWhenInterrupted`, for the same
   * reason as fix_ddclient (a forced ddclient may outlive the executor). A look that fails is not done.
   */
  async alreadyDone(target: TargetRef): Promise<boolean> {
    const record = this.recordOf(target);
    if (!record) return false;
    try {
      return (await this.look(record, AbortSignal.timeout(this.deadlineMs))).status === 'ok';
    } catch {
      return false;
    }
  }

  async reobserve(target: TargetRef): Promise<Reobservation> {
    const record = this.recordOf(target);
    if (!record) return { kind: 'not_watched', reason: `${target.id} is not a record under dns.records in jarvis.yaml` };
    const judgement = await this.look(record, AbortSignal.timeout(this.deadlineMs));
    return judgement.status === 'failed' ? { kind: 'fault_holds' } : { kind: 'superseded', evidence: judgement.reason };
  }

  async execute(target: TargetRef, _params: RemediateDnsParams, signal: AbortSignal): Promise<ActionOutcome> {
    const record = this.recordOf(target);
    if (!record) throw new Error(`target.id: ${target.id} is not a record under dns.records in jarvis.yaml`);
    const remedy = dnsRemedy(record, (await this.look(record, signal)).problems, this.ddclient !== undefined && this.ddclientPort !== undefined);
    switch (remedy.kind) {
      case 'republish': {
        const run = await this.ddclientPort!.forceUpdate(this.ddclient!, signal);
        const problem = runProblem(run, this.ddclient!.runTimeoutSeconds);
        if (problem) throw new Error(problem);
        return { result: `republished through ddclient -force (${run.hosts.map((h) => h.host).join(', ')})`, details: { hostsUpdated: run.hosts.length } };
      }
      case 'await_ttl':
        return { result: `the authoritative servers hold the right answer; ${remedy.resolvers.join(', ')} still answer from their cache until its TTL runs out (no flush: Jarvis has no rndc access to them)`, details: { staleResolvers: remedy.resolvers.length } };
      case 'none':
        throw new Error(remedy.why);
    }
  }

  /** The DNS check again; still failing is pending (a TTL to run out, a zone transfer), until the verification timeout. */
  async verify(target: TargetRef): Promise<VerificationVerdict> {
    const record = this.recordOf(target);
    if (!record) return { kind: 'failed', reason: `${target.id} is not a record under dns.records in jarvis.yaml` };
    const judgement = await this.look(record, AbortSignal.timeout(this.deadlineMs));
    return judgement.status === 'ok' ? { kind: 'passed', evidence: judgement.reason } : { kind: 'pending', waitingFor: judgement.reason };
  }

  private recordOf(target: TargetRef): DnsRecordConfig | undefined {
    return this.appliesTo(target) ? this.records.find((r) => r.domain === target.id) : undefined;
  }
}
