import type { ActionParams, Risk, TargetRef } from '@jarvis/contracts';
import type { TargetFacts } from '@jarvis/registry';

/** The action that answers a failing check, as the policy records it in a decision. */
export type RemediationChoice = {
  action: string;
  params: ActionParams;
  risk: Risk;
  /** Attempts within one incident before a person decides; unlimited (only the breaker) when absent. */
  maxAttemptsPerIncident?: number;
  /** Why the fallbacks after it were not offered (no known-good copy to restore): said when nothing more is done. */
  note?: string;
};

/** What the incident and the log say that bears on the choice: what was tried so far, and facts about the target. */
export type ChoiceContext = {
  /** Execute decisions per action within this incident. */
  attemptsByAction: Readonly<Record<string, number>>;
  facts: TargetFacts;
};

/**
 * Which action answers `check` on `target` now (the capability registry with jarvis.yaml's overrides, then the kind's
 * fallbacks once an action has used up its attempts), or null when nothing may be done automatically: then a person
 * decides.
 */
export type ChooseRemediation = (target: TargetRef, check: string, context: ChoiceContext) => RemediationChoice | null;

/** The schedule's own action for a maintenance run, described by the registry (its risk is never the schedule's to say). */
export type ChooseScheduled = (run: { action: string; params: ActionParams }) => RemediationChoice | null;

export type RemediationChooser = { choose: ChooseRemediation; chooseScheduled: ChooseScheduled };
