import type { TargetRef } from '@jarvis/contracts';
import type { WatchConfig } from '@jarvis/config';
import { worstOf } from '../../check.js';
import type { ActionDescriptor, ActionOutcome, FaultInQuestion, Reobservation, RemediationAction, VerificationVerdict } from '../../remediation-action.js';
import { judgeByEvents, type ContainerEventView } from './container-event-view.js';
import type { ContainerRuntime } from './container-runtime.js';
import { containerChecks, ContainerStateCheck } from './container-state-check.js';
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

  private readonly stateCheck = new ContainerStateCheck().name;

  /** `events`: this process's view of the engine's events, which confirms an exit without an inspect. */
  constructor(
    private readonly runtime: ContainerRuntime,
    private readonly settings: RestartContainerSettings,
    private readonly events?: ContainerEventView,
  ) {
    ({ name: this.name, kind: this.kind, risk: this.risk, params: this.params, defaultParams: this.defaultParams, deadlineMs: this.deadlineMs } = describeRestartContainer(settings));
  }

  /** A start after `since` is the restart's effect, even if the container has died again since (verification says so). */
  async alreadyDone(target: TargetRef, _params: RestartContainerParams, since: Date): Promise<boolean> {
    const snapshot = await this.runtime.inspect(target.id);
    return Boolean(snapshot?.startedAt && Date.parse(snapshot.startedAt) >= since.getTime());
  }

  /**
   * Act only on a watched container whose fault still holds: its owner may have started it, or it recovered. An
   * exit the event stream has shown live since the fault needs no inspect, which the engine answers only once it has
   * finished handling the exit (tens of ms); every other case is inspected.
   */
  async reobserve(target: TargetRef, now: Date, fault?: FaultInQuestion): Promise<Reobservation> {
    const byEvents = this.events && fault?.check === this.stateCheck ? judgeByEvents(this.events.reading(target.id), fault.faultAt) : null;
    if (byEvents?.kind === 'exited') return this.notWatched(byEvents.event.name, byEvents.event.labels) ?? { kind: 'fault_holds' };
    const snapshot = await this.runtime.inspect(target.id);
    if (!snapshot) return { kind: 'superseded', evidence: 'the container no longer exists' };
    const notWatched = this.notWatched(snapshot.name, snapshot.labels);
    if (notWatched) return notWatched;
    const result = worstOf(containerChecks().map((check) => check.evaluate({ snapshot, stoppedByOperator: false }, now)));
    if (result.status === 'failed') return { kind: 'fault_holds' };
    return { kind: 'superseded', evidence: `${result.check} ${result.status} when the executor looked again: ${result.reason}` };
  }

  private notWatched(name: string, labels: Record<string, string>): Reobservation | null {
    const watch = this.settings.watch;
    return watchedBecause(name, labels, watch) ? null : { kind: 'not_watched', reason: `${name} is not watched (not named in jarvis.yaml, no label ${watch.label})` };
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
