import type { ActionParams, Risk, TargetRef } from '@jarvis/contracts';

/** The action that answers a failing check, as the policy records it in a decision. */
export type RemediationChoice = {
  action: string;
  params: ActionParams;
  risk: Risk;
  /** Attempts within one incident before a person decides; unlimited (only the breaker) when absent. */
  maxAttemptsPerIncident?: number;
};

/**
 * Which action answers `check` on `target` (the capability registry with jarvis.yaml's overrides), or null when
 * nothing may be done automatically: then a person decides.
 */
export type ChooseRemediation = (target: TargetRef, check: string) => RemediationChoice | null;

/** The schedule's own action for a maintenance run, described by the registry (its risk is never the schedule's to say). */
export type ChooseScheduled = (run: { action: string; params: ActionParams }) => RemediationChoice | null;

export type RemediationChooser = { choose: ChooseRemediation; chooseScheduled: ChooseScheduled };
