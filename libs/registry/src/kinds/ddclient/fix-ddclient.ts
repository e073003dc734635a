import { DdclientConfig } from '@jarvis/config';
import type { TargetRef } from '@jarvis/contracts';
import type { ActionDescriptor, ActionOutcome, Reobservation, RemediationAction, VerificationVerdict } from '../../remediation-action.js';
import type { DdclientForcedRun, DdclientPort } from './ddclient-port.js';
import { reobserveDdclient, verifyDdclient } from './ddclient-looks.js';
import { ddclientPublishedSince } from './ddclient-publications.js';
import { describeHost } from './ddclient-update-check.js';

/** A forced update takes no parameters: which file, cache and program are the operator's settings, not a message's. */
export class FixDdclientParams {}

export const FIX_DDCLIENT = 'infrastructure_fix_ddclient';

/** Room for reading ddclient.conf and appending to the log around ddclient's own run timeout. */
const MARGIN_MS = 5000;

/**
 * Low risk: it sends the update ddclient would send anyway, only without waiting out the 5 minutes it skips after
 * a failure. Once per incident: a second forced run fails for the same reason (a wrong secret needs a config fix).
 */
export function describeFixDdclient(ddclient: DdclientConfig | undefined): ActionDescriptor<FixDdclientParams> {
  return {
    name: FIX_DDCLIENT,
    kind: 'ddclient',
    risk: 'low',
    params: FixDdclientParams,
    defaultParams: () => new FixDdclientParams(),
    deadlineMs: (ddclient ?? new DdclientConfig()).runTimeoutSeconds * 1000 + MARGIN_MS,
    maxAttemptsPerIncident: 1,
    appliesTo: (target) => ddclient?.name === target.id,
  };
}

/** `ddclient -force` through the port; fails with ddclient's per-host reason when a host is still not published. */
export class FixDdclient implements RemediationAction<FixDdclientParams> {
  readonly name: string;
  readonly kind;
  readonly risk;
  readonly params;
  readonly defaultParams;
  readonly deadlineMs: number;
  readonly maxAttemptsPerIncident?: number;

  constructor(
    private readonly ddclient: DdclientConfig | undefined,
    private readonly port: DdclientPort,
  ) {
    const descriptor = describeFixDdclient(ddclient);
    ({ name: this.name, kind: this.kind, risk: this.risk, params: this.params, defaultParams: this.defaultParams, deadlineMs: this.deadlineMs, maxAttemptsPerIncident: this.maxAttemptsPerIncident } = descriptor);
  }

  appliesTo(target: TargetRef): boolean {
    return this.ddclient?.name === target.id;
  }

  /**
   * Done once ddclient's cache shows every host published since the decision: a forced run that outlived a killed
   * executor (its child is not killed with it) writes that cache when it succeeds. Deliberately not
   * `rerunsWhenInterrupted`: that orphan may still be running, ddclient takes no lock in the foreground (two runs
   * race on one cache), and although a second `-force` sends the same record (harmless to the zone), a provider
   * counts every update against its rate limit. So the executor waits up to the deadline for this, then runs again.
   */
  async alreadyDone(target: TargetRef, _params: FixDdclientParams, since: Date): Promise<boolean> {
    return ddclientPublishedSince(this.configured(target), this.port, since, this.deadlineMs);
  }

  async reobserve(target: TargetRef): Promise<Reobservation> {
    return reobserveDdclient(target, this.configured(target), this.port, this.deadlineMs);
  }

  async execute(target: TargetRef, _params: FixDdclientParams, signal: AbortSignal): Promise<ActionOutcome> {
    const ddclient = this.configured(target);
    if (!ddclient) throw new Error(`target.id: ${target.id} is not the ddclient in jarvis.yaml`);
    const run = await this.port.forceUpdate(ddclient, signal);
    const problem = runProblem(run, ddclient.runTimeoutSeconds);
    if (problem) throw new Error(problem);
    return { result: `ddclient -force updated ${run.hosts.map((h) => h.host).join(', ')}`, details: { hostsUpdated: run.hosts.length } };
  }

  /** The check again: the forced run's output is in the log it reads, so every host must read as updated. */
  async verify(target: TargetRef): Promise<VerificationVerdict> {
    return verifyDdclient(target, this.configured(target), this.port, this.deadlineMs);
  }

  private configured(target: TargetRef): DdclientConfig | undefined {
    return this.appliesTo(target) ? this.ddclient : undefined;
  }
}

/** Why a forced run did not publish every host, in ddclient's own per-host terms; null when it did. */
export function runProblem(run: DdclientForcedRun, timeoutSeconds: number): string | null {
  if (run.timedOut) return `ddclient -force did not finish within ${timeoutSeconds} s`;
  const unpublished = run.hosts.filter((h) => h.outcome !== 'updated');
  if (unpublished.length > 0) return `ddclient -force did not publish ${unpublished.map(describeHost).join('; ')}`;
  if (run.hosts.length === 0) return `ddclient -force updated no host (exit code ${run.exitCode ?? 'none'})`;
  return null;
}
