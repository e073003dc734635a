import type { RunsAsConfig } from '@jarvis/config';
import type { TargetKind, TargetRef } from '@jarvis/contracts';
import type { ActionDescriptor, ActionOutcome, Reobservation, RemediationAction, VerificationVerdict } from '../remediation-action.js';
import type { ProbeFinding } from '../scheduled-probe.js';
import type { ComponentRestartPort } from './component-restart-port.js';

/** A restart takes no parameters: how the component runs is the operator's setting (`runsAs`), not a message's. */
export class RestartComponentParams {}

/** What one kind says about restarting its targets: which action, how each target runs, and its check for after. */
export type RestartSpec = {
  readonly name: string;
  readonly kind: TargetKind;
  /** How the target runs (jarvis.yaml's `runsAs`), or undefined when it names none: then it is not restarted. */
  runsAs(target: TargetRef): RunsAsConfig | undefined;
  /** The component's check, run again before and after the restart. */
  check(target: TargetRef, signal: AbortSignal): Promise<ProbeFinding>;
  readonly deadlineMs: number;
};

/**
 * Medium risk: a restart interrupts the component for a moment, and it is the fallback after the component's own,
 * gentler fix. Once per incident: a component a restart did not heal needs a person.
 */
export function describeRestartComponent(spec: RestartSpec): ActionDescriptor<RestartComponentParams> {
  return {
    name: spec.name,
    kind: spec.kind,
    risk: 'medium',
    params: RestartComponentParams,
    defaultParams: () => new RestartComponentParams(),
    deadlineMs: spec.deadlineMs,
    maxAttemptsPerIncident: 1,
    appliesTo: (target) => spec.runsAs(target) !== undefined,
  };
}

/** Restarts a container or a systemd unit; verification waits for the component's check to pass again. */
export class RestartComponent implements RemediationAction<RestartComponentParams> {
  readonly name: string;
  readonly kind;
  readonly risk;
  readonly params;
  readonly defaultParams;
  readonly deadlineMs: number;
  readonly maxAttemptsPerIncident?: number;

  constructor(
    private readonly spec: RestartSpec,
    private readonly port: ComponentRestartPort,
  ) {
    const d = describeRestartComponent(spec);
    ({ name: this.name, kind: this.kind, risk: this.risk, params: this.params, defaultParams: this.defaultParams, deadlineMs: this.deadlineMs, maxAttemptsPerIncident: this.maxAttemptsPerIncident } = d);
  }

  appliesTo(target: TargetRef): boolean {
    return this.spec.runsAs(target) !== undefined;
  }

  /** A second restart is harmless: nothing to ask before acting again. */
  async alreadyDone(): Promise<boolean> {
    return false;
  }

  async reobserve(target: TargetRef): Promise<Reobservation> {
    if (!this.appliesTo(target)) return { kind: 'not_watched', reason: `${target.kind}:${target.id} names no runsAs in jarvis.yaml` };
    const finding = await this.spec.check(target, AbortSignal.timeout(this.deadlineMs));
    return finding.status === 'failed' ? { kind: 'fault_holds' } : { kind: 'superseded', evidence: `the check passed when the executor looked again: ${finding.reason}` };
  }

  async execute(target: TargetRef, _params: RestartComponentParams, signal: AbortSignal): Promise<ActionOutcome> {
    const runsAs = this.spec.runsAs(target);
    if (!runsAs) throw new Error(`target.id: ${target.id} names no runsAs in jarvis.yaml`);
    if (runsAs.container !== undefined) {
      await this.port.restartContainer(runsAs.container, signal);
      return { result: `container ${runsAs.container} restarted`, details: { container: runsAs.container } };
    }
    await this.port.restartUnit({ systemctl: runsAs.systemctl, unit: runsAs.systemdUnit! }, signal);
    return { result: `systemd unit ${runsAs.systemdUnit!} restarted`, details: { systemdUnit: runsAs.systemdUnit! } };
  }

  /** A restarted component takes its time (Caddy's orders, ddclient's next run): still failing is pending, not failed. */
  async verify(target: TargetRef): Promise<VerificationVerdict> {
    const finding = await this.spec.check(target, AbortSignal.timeout(this.deadlineMs));
    return finding.status === 'ok' ? { kind: 'passed', evidence: finding.reason } : { kind: 'pending', waitingFor: `the check to pass after the restart (now: ${finding.reason})` };
  }
}
