import type { TargetKind } from '@jarvis/contracts';
import type { ActionDescriptor, RemediationAction } from './remediation-action.js';
import type { TargetDependency } from './dependency-graph.js';
import type { ScheduledProbe } from './scheduled-probe.js';

/**
 * One kind of target, from one folder: its checks, its actions and which action answers which check. A kind's
 * actions need I/O (ports with adapters in infra libs), so they are built from the dependencies the service has;
 * the descriptors alone (for the policy) need none.
 */
export interface TargetKindPlugin<Dependencies = unknown> {
  readonly kind: TargetKind;
  /** The checks the monitor evaluates for this kind, by name. */
  readonly checks: readonly string[];
  readonly actions: readonly ActionDescriptor[];
  /** The default remediation: check name → action name. jarvis.yaml can override it per target. */
  readonly remediation: Readonly<Record<string, string>>;
  /**
   * What to try, in order, once the default remediation of a check has used up its attempts in an incident (or is
   * not offered): check name → action names. Overrides in jarvis.yaml replace the default, not the fallbacks.
   */
  readonly fallbacks?: Readonly<Record<string, readonly string[]>>;
  createActions(dependencies: Dependencies): RemediationAction[];
  /** Checks without an event source, run on a schedule by the monitor; none for kinds with their own events. */
  createProbes?(dependencies: Dependencies): ScheduledProbe[];
  /** The targets of this kind that rely on other targets, as jarvis.yaml says: a failure there explains one here. */
  dependencies?(): TargetDependency[];
}
