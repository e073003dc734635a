import { CaddyConfig } from '@jarvis/config';
import type { TargetRef } from '@jarvis/contracts';
import type { ActionDescriptor, ActionOutcome, Reobservation, RemediationAction, VerificationVerdict } from '../../remediation-action.js';
import type { TlsPort } from '../tls-certificate/tls-port.js';
import { judgeAdminApi } from './admin-api-judgement.js';
import { CaddyLooks } from './caddy-looks.js';
import type { CaddyPort } from './caddy-port.js';

/** The retry takes no parameters: which Caddy and its admin address are the operator's settings, not a message's. */
export class RemediateSslParams {}

export const REMEDIATE_SSL = 'infrastructure_remediate_ssl';

/** The read, then the load; each bounded by the instance's timeout. */
const ADMIN_CALLS = 2;

/**
 * Low risk: Caddy reloads the config it already runs, only revalidated, so its pending certificate orders are
 * retried now instead of after its backoff. Once per incident: if DNS still does not resolve, a second retry fails
 * the same way.
 */
export function describeRemediateSsl(instances: readonly CaddyConfig[]): ActionDescriptor<RemediateSslParams> {
  return {
    name: REMEDIATE_SSL,
    kind: 'caddy',
    risk: 'low',
    params: RemediateSslParams,
    defaultParams: () => new RemediateSslParams(),
    deadlineMs: ADMIN_CALLS * longestTimeoutMs(instances),
    maxAttemptsPerIncident: 1,
    appliesTo: (target) => instances.some((instance) => instance.name === target.id),
  };
}

/** The longest admin timeout of the configured instances: one descriptor covers them all. */
function longestTimeoutMs(instances: readonly CaddyConfig[]): number {
  return instances.length === 0 ? new CaddyConfig().timeoutMs : Math.max(...instances.map((instance) => instance.timeoutMs));
}

/** Makes a Caddy retry its ACME orders at once; verified by the certificates check passing for every site. */
export class RemediateSsl implements RemediationAction<RemediateSslParams> {
  readonly name: string;
  readonly kind;
  readonly risk;
  readonly params;
  readonly defaultParams;
  readonly deadlineMs: number;
  readonly maxAttemptsPerIncident?: number;

  constructor(
    private readonly instances: readonly CaddyConfig[],
    private readonly caddy: CaddyPort,
    private readonly tls: TlsPort,
  ) {
    const descriptor = describeRemediateSsl(instances);
    ({ name: this.name, kind: this.kind, risk: this.risk, params: this.params, defaultParams: this.defaultParams, deadlineMs: this.deadlineMs, maxAttemptsPerIncident: this.maxAttemptsPerIncident } = descriptor);
  }

  appliesTo(target: TargetRef): boolean {
    return this.instanceOf(target) !== undefined;
  }

  /**
   * A reload leaves no mark of its own, but its effect shows: Caddy serves a trusted certificate for every site now.
   * Whether this run's reload or Caddy's own retry got it there, nothing is left to do. A Caddy that cannot be read
   * is not done (the executor waits out the deadline, then reloads again, which is harmless).
   */
  async alreadyDone(target: TargetRef): Promise<boolean> {
    const instance = this.instanceOf(target);
    if (!instance) return false;
    try {
      return (await this.looks(instance).certificates(AbortSignal.timeout(this.deadlineMs))).status === 'ok';
    } catch {
      return false;
    }
  }

  async reobserve(target: TargetRef): Promise<Reobservation> {
    const instance = this.instanceOf(target);
    if (!instance) return { kind: 'not_watched', reason: `${target.id} is not a Caddy listed in jarvis.yaml` };
    const finding = await this.looks(instance).certificates(AbortSignal.timeout(this.deadlineMs));
    if (finding.status === 'failed') return { kind: 'fault_holds' };
    return { kind: 'superseded', evidence: `caddy_certificates ok when the executor looked again: ${finding.reason}` };
  }

  async execute(target: TargetRef, _params: RemediateSslParams, signal: AbortSignal): Promise<ActionOutcome> {
    const instance = this.instanceOf(target);
    if (!instance) throw new Error(`target.id: ${target.id} is not a Caddy listed in jarvis.yaml`);
    const answer = await this.caddy.reloadCurrentConfig(instance, signal);
    const judged = judgeAdminApi(answer, `${instance.adminAddress}:${instance.adminPort}`);
    if (judged.status === 'failed') throw new Error(`Caddy did not reload its config: ${judged.reason}`);
    return { result: 'Caddy reloaded its current config with must-revalidate: certificate orders retried now', details: {} };
  }

  /** Issuance takes a few seconds after the reload: until every site has a trusted certificate, look again. */
  async verify(target: TargetRef): Promise<VerificationVerdict> {
    const instance = this.instanceOf(target);
    if (!instance) return { kind: 'failed', reason: `${target.id} is not a Caddy listed in jarvis.yaml` };
    const finding = await this.looks(instance).certificates(AbortSignal.timeout(this.deadlineMs));
    return finding.status === 'ok' ? { kind: 'passed', evidence: `caddy_certificates ok: ${finding.reason}` } : { kind: 'pending', waitingFor: `caddy_certificates: ${finding.reason}` };
  }

  private instanceOf(target: TargetRef): CaddyConfig | undefined {
    return this.instances.find((instance) => instance.name === target.id);
  }

  private looks(instance: CaddyConfig): CaddyLooks {
    return new CaddyLooks(instance, this.caddy, this.tls);
  }
}
