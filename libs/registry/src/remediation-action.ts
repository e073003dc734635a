import type { ActionDetails, Risk, TargetKind, TargetRef } from '@jarvis/contracts';

export type ActionOutcome = { result: string; details: ActionDetails };

/** The fault a decision answers, as the incident recorded it. */
export type FaultInQuestion = { check: string; faultAt: Date };

/** What a fresh look at the target says just before acting: act only while the fault holds. */
export type Reobservation =
  | { kind: 'fault_holds' }
  | { kind: 'superseded'; evidence: string }
  | { kind: 'not_watched'; reason: string };

export type VerificationVerdict = { kind: 'passed'; evidence: string } | { kind: 'failed'; reason: string } | { kind: 'pending'; waitingFor: string };

/** What the policy needs to know about an action without being able to run it. */
export interface ActionDescriptor<Params extends object = object> {
  readonly name: string;
  readonly kind: TargetKind;
  readonly risk: Risk;
  /** The class-validator class its parameters must satisfy; unknown fields are refused. */
  readonly params: new () => Params;
  /** The parameters a decision carries when nothing overrides them. */
  defaultParams(target: TargetRef): Params;
  /** How long one execution may take before the executor gives up on it (Docker finishing a restart, a slow delete). */
  readonly deadlineMs: number;
  /** Attempts within one incident before a person decides (a cleanup that did not free enough is not repeated). */
  readonly maxAttemptsPerIncident?: number;
  /** Whether the action can act on this target at all (an endpoint that names no container cannot be restarted). */
  appliesTo?(target: TargetRef): boolean;
  /**
   * For an action whose params come from what the log knows (a known-good copy to restore): the params, or why it
   * is not offered. Without it, defaultParams are used.
   */
  offer?(target: TargetRef, facts: TargetFacts): ActionOffer<Params>;
  /** Its params are a config edit (`ConfigEditSpec`): an approval request shows the edit's masked diff. */
  readonly editsConfig?: boolean;
}

/**
 * One remediation. The registry maps a decision's `action` name to exactly one of these; its parameters reach it
 * validated against its own class.
 */
export interface RemediationAction<Params extends object = object> extends ActionDescriptor<Params> {
  /**
   * Has the effect already happened since `since`? An executor that crashed mid-action asks this before acting
   * again, so an action is carried out once even when its delivery is repeated.
   */
  alreadyDone(target: TargetRef, params: Params, since: Date): Promise<boolean>;
  /**
   * True when this process alone makes the effect and a second run is harmless (a cleanup): an interrupted run is
   * then simply run again, since nothing else can still be finishing it and `alreadyDone` has nothing to see. Otherwise
   * the executor waits up to `deadlineMs` for `alreadyDone` (Docker may still be finishing a restart its client left).
   */
  readonly rerunsWhenInterrupted?: boolean;
  /**
   * `fault` is the incident's own fault when the decision answers it (absent for a maintenance run or a
   * consequence): an action may use it to confirm the fault more cheaply than by probing again.
   */
  reobserve(target: TargetRef, now: Date, fault?: FaultInQuestion): Promise<Reobservation>;
  execute(target: TargetRef, params: Params, signal: AbortSignal, run?: ActionRun): Promise<ActionOutcome>;
  /** Re-runs the check that triggered the action: `pending` means look again later, until the verification timeout. */
  verify(target: TargetRef, params: Params, actionStartedAt: Date, now: Date): Promise<VerificationVerdict>;
}

/** One run of an action, as the executor knows it: the ids a call to another service is keyed by. */
export type ActionRun = {
  /** The ActionStarted id: the idempotency key of the run. */
  readonly actionId: string;
  readonly caseId: string;
  /** The ApprovalGranted the decision carries out, when a person approved it. */
  readonly approvalId?: string;
};

/** What the event log says about a target that an action's params may depend on (folded by the policy). */
export type TargetFacts = {
  /** The newest known-good copy of the target's config file, as the config editor recorded it. */
  readonly knownGood?: { readonly path: string; readonly knownGood: string };
};

/** The params an action would run with for a target, or why it cannot be offered now. */
export type ActionOffer<Params extends object = object> = { params: Params } | { unavailable: string };
