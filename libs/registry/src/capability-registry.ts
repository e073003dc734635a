import { parseTargetKey, targetKey, type TargetKind, type TargetRef } from '@jarvis/contracts';
import { TargetDependencyGraph, type TargetDependency } from './dependency-graph.js';
import type { ActionDescriptor, RemediationAction } from './remediation-action.js';
import type { ScheduledProbe } from './scheduled-probe.js';
import type { TargetKindPlugin } from './target-kind.js';

/** jarvis.yaml's choice for one target and check: another action of the kind, or `none` (a person decides). */
export type RemediationOverride = { target: string; check: string; action: string };

export const NO_REMEDIATION = 'none';

/** Every kind of target Jarvis knows, its checks and actions: the one place the other code asks. */
export class CapabilityRegistry<Dependencies = unknown> {
  private readonly byKind = new Map<TargetKind, TargetKindPlugin<Dependencies>>();
  private readonly descriptors = new Map<string, ActionDescriptor>();

  constructor(plugins: readonly TargetKindPlugin<Dependencies>[]) {
    for (const plugin of plugins) this.register(plugin);
  }

  kinds(): TargetKind[] {
    return [...this.byKind.keys()];
  }

  checksOf(kind: TargetKind): readonly string[] {
    return this.byKind.get(kind)?.checks ?? [];
  }

  descriptor(action: string): ActionDescriptor | undefined {
    return this.descriptors.get(action);
  }

  /** The action that answers `check` on `target`: jarvis.yaml's override if any, else the kind's default; null for none. */
  remediationFor(target: TargetRef, check: string, overrides: readonly RemediationOverride[] = []): ActionDescriptor | null {
    const key = targetKey(target);
    const chosen = overrides.find((o) => o.target === key && o.check === check)?.action ?? this.byKind.get(target.kind)?.remediation[check];
    if (chosen === undefined || chosen === NO_REMEDIATION) return null;
    const descriptor = this.descriptors.get(chosen);
    return descriptor && (descriptor.appliesTo?.(target) ?? true) ? descriptor : null;
  }

  /**
   * The remediation of `check` on `target` (as remediationFor) followed by the kind's fallbacks for that check, each
   * once and only where it applies to the target: the order the policy tries them in within one incident.
   */
  remediationsFor(target: TargetRef, check: string, overrides: readonly RemediationOverride[] = []): ActionDescriptor[] {
    const primary = this.remediationFor(target, check, overrides);
    if (!primary) return [];
    const fallbacks = (this.byKind.get(target.kind)?.fallbacks?.[check] ?? []).flatMap((name) => {
      const descriptor = this.descriptors.get(name);
      return descriptor && descriptor.name !== primary.name && (descriptor.appliesTo?.(target) ?? true) ? [descriptor] : [];
    });
    return [primary, ...new Set(fallbacks)];
  }

  /** What is wrong with jarvis.yaml's overrides, each naming the entry: an unknown check or an action of another kind. */
  overrideProblems(overrides: readonly RemediationOverride[]): string[] {
    return overrides.flatMap((o, i) => {
      const at = `remediation.overrides[${i}]`;
      const parsed = parseTargetKey(o.target);
      if (!parsed.ok) return [`${at}.target: ${parsed.error}`];
      const kind = parsed.target.kind;
      const plugin = this.byKind.get(kind);
      if (!plugin) return [`${at}.target: no target kind "${kind}" (known: ${this.kinds().join(', ')})`];
      if (!plugin.checks.includes(o.check)) return [`${at}.check: ${kind} has no check "${o.check}" (known: ${plugin.checks.join(', ')})`];
      if (o.action === NO_REMEDIATION) return [];
      if (this.descriptors.get(o.action)?.kind !== kind) {
        return [`${at}.action: ${kind} has no action "${o.action}" (known: ${[...plugin.actions.map((a) => a.name), NO_REMEDIATION].join(', ')})`];
      }
      return [];
    });
  }

  /** Every scheduled probe of every kind, built from the I/O ports the monitor has. */
  createProbes(dependencies: Dependencies): ScheduledProbe[] {
    return [...this.byKind.values()].flatMap((plugin) => plugin.createProbes?.(dependencies) ?? []);
  }

  /** Every kind's dependencies together, or the cycles they would make (each naming its targets). */
  dependencyGraph(): ReturnType<typeof TargetDependencyGraph.of> {
    return TargetDependencyGraph.of([...this.byKind.values()].flatMap((plugin): TargetDependency[] => plugin.dependencies?.() ?? []));
  }

  /** The runnable actions, built from the I/O ports the service has. */
  createActions(dependencies: Dependencies): Map<string, RemediationAction> {
    const actions = [...this.byKind.values()].flatMap((plugin) => plugin.createActions(dependencies));
    return new Map(actions.map((action) => [action.name, action]));
  }

  private register(plugin: TargetKindPlugin<Dependencies>): void {
    if (this.byKind.has(plugin.kind)) throw new Error(`target kind ${plugin.kind} is registered twice`);
    for (const action of plugin.actions) {
      if (this.descriptors.has(action.name)) throw new Error(`action ${action.name} is registered twice`);
      if (action.kind !== plugin.kind) throw new Error(`action ${action.name} acts on ${action.kind} but is registered by ${plugin.kind}`);
      this.descriptors.set(action.name, action);
    }
    for (const [check, action] of Object.entries(plugin.remediation)) {
      if (!plugin.checks.includes(check)) throw new Error(`${plugin.kind}: remediation names an unknown check ${check}`);
      if (!plugin.actions.some((a) => a.name === action)) throw new Error(`${plugin.kind}: remediation of ${check} names an unknown action ${action}`);
    }
    for (const [check, actions] of Object.entries(plugin.fallbacks ?? {})) {
      if (!plugin.checks.includes(check)) throw new Error(`${plugin.kind}: fallbacks name an unknown check ${check}`);
      const unknown = actions.find((name) => !plugin.actions.some((a) => a.name === name));
      if (unknown) throw new Error(`${plugin.kind}: a fallback of ${check} names an unknown action ${unknown}`);
    }
    this.byKind.set(plugin.kind, plugin);
  }
}
