import type { TargetRef } from '@jarvis/contracts';
import type { ContainerRuntime } from '@jarvis/checks';
import type { ActionOutcome, RemediationAction } from './remediation-action.js';

export class RestartContainer implements RemediationAction {
  readonly name = 'restart_container';

  constructor(
    private readonly runtime: ContainerRuntime,
    private readonly stopTimeoutSeconds: number,
  ) {}

  appliesTo(target: TargetRef): boolean {
    return target.kind === 'container';
  }

  /** A start after `since` is the restart's effect, even if the container has died again since (verification says so). */
  async alreadyDone(target: TargetRef, since: Date): Promise<boolean> {
    const snapshot = await this.runtime.inspect(target.name);
    return Boolean(snapshot?.startedAt && Date.parse(snapshot.startedAt) >= since.getTime());
  }

  async execute(target: TargetRef): Promise<ActionOutcome> {
    await this.runtime.restart(target.name, this.stopTimeoutSeconds);
    const after = await this.runtime.inspect(target.name);
    return { result: `restarted; now ${after?.state ?? 'missing'}${after?.startedAt ? ` since ${after.startedAt}` : ''}` };
  }
}
