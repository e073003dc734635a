import type { TargetRef } from '@jarvis/contracts';
import type { WatchConfig } from '@jarvis/config';
import { worstOf } from '../../check.js';
import type { ActionDescriptor, ActionOutcome, Reobservation, RemediationAction, VerificationVerdict } from '../../remediation-action.js';
import type { ContainerRuntime } from './container-runtime.js';
import { containerChecks } from './container-state-check.js';
import { verifyContainer, type VerificationRules } from './container-verification.js';
import { watchedBecause } from './watch-selector.js';

/** A restart takes no parameters: how long Docker waits for a graceful stop is the operator's setting, not a message's. */
export class RestartContainerParams {}

export type RestartContainerSettings = {
  watch: WatchConfig;
  stopTimeoutSeconds: number;
  /** How long Docker may still be finishing a restart its client abandoned, on top of the stop timeout. */
  graceSeconds: number;
  verification: VerificationRules;
};

export const RESTART_CONTAINER = 'restart_container';

/** Seconds an interrupted restart may still be finishing on top of Docker's stop timeout. */
export const RESTART_GRACE_SECONDS = 30;

/** A restart of a container that is already down or unhealthy puts little at risk: low. */
export function describeRestartContainer(settings: Pick<RestartContainerSettings, 'stopTimeoutSeconds' | 'graceSeconds'>): ActionDescriptor<RestartContainerParams> {
  return {
    name: RESTART_CONTAINER,
    kind: 'container',
    risk: 'low',
    params: RestartContainerParams,
    defaultParams: () => new RestartContainerParams(),
    deadlineMs: (settings.stopTimeoutSeconds + settings.graceSeconds) * 1000,
  };
}

export class RestartContainer implements RemediationAction<RestartContainerParams> {
  readonly name: string;
  readonly kind;
  readonly risk;
  readonly params;
  readonly defaultParams;
  readonly deadlineMs: number;

  constructor(
    private readonly runtime: ContainerRuntime,
    private readonly settings: RestartContainerSettings,
  ) {
    ({ name: this.name, kind: this.kind, risk: this.risk, params: this.params, defaultParams: this.defaultParams, deadlineMs: this.deadlineMs } = describeRestartContainer(settings));
  }

  /** A start after `since` is the restart's effect, even if the container has died again since (verification says so). */
  async alreadyDone(target: TargetRef, _params: RestartContainerParams, since: Date): Promise<boolean> {
    const snapshot = await this.runtime.inspect(target.id);
    return Boolean(snapshot?.startedAt && Date.parse(snapshot.startedAt) >= since.getTime());
  }

  /** Act only on a watched container whose fault still holds: its owner may have started it, or it recovered. */
  async reobserve(target: TargetRef, now: Date): Promise<Reobservation> {
    const snapshot = await this.runtime.inspect(target.id);
    if (!snapshot) return { kind: 'superseded', evidence: 'the container no longer exists' };
    const watch = this.settings.watch;
    if (!watchedBecause(snapshot.name, snapshot.labels, watch)) {
      return { kind: 'not_watched', reason: `${snapshot.name} is not watched (not named in jarvis.yaml, no label ${watch.label})` };
    }
    const result = worstOf(containerChecks().map((check) => check.evaluate({ snapshot, stoppedByOperator: false }, now)));
    if (result.status === 'failed') return { kind: 'fault_holds' };
    return { kind: 'superseded', evidence: `${result.check} ${result.status} when the executor looked again: ${result.reason}` };
  }

  async execute(target: TargetRef, _params: RestartContainerParams, _signal: AbortSignal): Promise<ActionOutcome> {
    await this.runtime.restart(target.id, this.settings.stopTimeoutSeconds);
    const after = await this.runtime.inspect(target.id);
    return { result: `restarted; now ${after?.state ?? 'missing'}${after?.startedAt ? ` since ${after.startedAt}` : ''}`, details: {} };
  }

  async verify(target: TargetRef, _params: RestartContainerParams, actionStartedAt: Date, now: Date): Promise<VerificationVerdict> {
    return verifyContainer(await this.runtime.inspect(target.id), actionStartedAt, now, this.settings.verification);
  }
}
