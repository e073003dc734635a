import type { TargetRef } from '@jarvis/contracts';

export type ActionOutcome = { result: string };

/** One remediation. The registry maps the decision's `action` name to exactly one of these. */
export interface RemediationAction {
  readonly name: string;
  appliesTo(target: TargetRef): boolean;
  /**
   * Has the effect already happened since `since`? An executor that crashed mid-action asks this before acting
   * again, so an action is carried out once even when its delivery is repeated.
   */
  alreadyDone(target: TargetRef, since: Date): Promise<boolean>;
  execute(target: TargetRef): Promise<ActionOutcome>;
}
