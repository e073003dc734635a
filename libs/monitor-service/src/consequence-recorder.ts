import { derivedId, newId, parseTargetKey, type TargetRef } from '@jarvis/contracts';
import { correlate, failingConsequences, mergesInto, overdueConsequences, readyToResolve, type ConsequenceRecord, type Dependencies, type IncidentRecord } from '@jarvis/incidents';
import type { CheckResult } from '@jarvis/registry';
import type { ProcessorHost } from '@jarvis/service-kit';
import { caseEvents } from './case-events.js';
import type { MonitorState } from './monitor-state.js';

/** A graph with no dependencies: every failure opens its own incident, as before correlation. */
export const NO_DEPENDENCIES: Dependencies = { dependenciesOf: () => [], allDependentsOf: () => [] };

/**
 * Keeps one incident per root cause: a failure explained by a failing dependency joins that dependency's incident,
 * an incident whose dependency fails later is merged into the dependency's, and the root resolves only once its
 * consequences pass again. The decisions are `@jarvis/incidents`' pure functions; this records what they say.
 */
export class ConsequenceRecorder {
  constructor(
    private readonly host: ProcessorHost<MonitorState>,
    private readonly graph: Dependencies,
    private readonly graceMs: number,
  ) {}

  /** Whether a target's failures can explain or be explained by another's: only those need the shared lock. */
  involves(target: string): boolean {
    return this.graph.dependenciesOf(target).length > 0 || this.graph.allDependentsOf(target).length > 0;
  }

  /** Joins the incident of the deepest failing dependency, if any; false when the failure stands alone. */
  async join(target: TargetRef, key: string, result: CheckResult, now: Date): Promise<boolean> {
    const joined = correlate(this.host.state().incidents, key, this.graph, result.check);
    if (!joined) return false;
    await this.host.record(caseEvents.consequenceLinked(joined.root.id, { target, check: result.check, reason: result.reason, faultAt: result.faultAt, chain: joined.chain }, now));
    await this.mergeDependents(joined.root, key, joined.chain, now);
    return true;
  }

  /**
   * Whatever relies on `failing` and has an incident of its own becomes a consequence of `root`: the incident is
   * merged (resolved `merged`), and its own consequences move to the root with their chains carried on.
   */
  async mergeDependents(root: IncidentRecord, failing: string, chain: readonly string[], now: Date): Promise<void> {
    for (const merge of mergesInto(this.host.state().incidents, root, failing, chain, this.graph)) {
      const { incident } = merge;
      const target = targetOf(incident.target);
      const reason = incident.lastCondition?.reason ?? incident.summary;
      await this.host.record(caseEvents.consequenceLinked(root.id, { target, check: incident.check, reason, faultAt: incident.faultAt, chain: merge.chain, mergedIncidentId: incident.id }, now));
      for (const { consequence, chain: moved } of merge.moved) {
        await this.host.record(caseEvents.consequenceLinked(root.id, { target: targetOf(consequence.target), check: consequence.check, reason: consequence.reason, faultAt: consequence.linkedAt, chain: moved }, now));
      }
      await this.host.record(caseEvents.merged(target, incident.id, root.id, merge.chain, now));
    }
  }

  /** An incident of `key`'s own whose dependency fails now (it failed first): merged into the dependency's. */
  async mergeIntoDeeperRoot(incident: IncidentRecord, key: string, now: Date): Promise<void> {
    const deeper = correlate(this.host.state().incidents, key, this.graph, incident.check);
    if (deeper && deeper.root.id !== incident.id) await this.mergeDependents(deeper.root, deeper.chain[1]!, deeper.chain.slice(1), now);
  }

  /**
   * A check already linked to `root`: passing, it is recorded as recovered (and the root resolves if that was the
   * last one); failing again after a recovery, it is linked again; failing past the grace, the root escalates.
   */
  async observe(root: IncidentRecord, target: TargetRef, key: string, result: CheckResult, now: Date): Promise<void> {
    const link = root.consequences.find((c) => c.target === key && c.check === result.check);
    if (!link) return;
    if (result.status === 'ok') {
      if (link.state === 'recovered') return;
      const recovered = caseEvents.consequenceRecovered(root.id, target, result, now);
      await this.host.record(recovered);
      return this.resolveIfReady(root.id, now, recovered.id);
    }
    if (result.status !== 'failed') return;
    if (link.state === 'recovered') {
      await this.host.record(caseEvents.consequenceLinked(root.id, { target, check: result.check, reason: result.reason, faultAt: result.faultAt, chain: link.chain }, now));
      return;
    }
    await this.escalateIfOverdue(root, { target: key, check: result.check, reason: result.reason }, now);
  }

  /** The root passes its own check again: it resolves unless consequences still fail (they then decide). */
  waitsForConsequences(root: IncidentRecord): boolean {
    return failingConsequences(root).length > 0;
  }

  /** `causationId`: the recovery that was the last one missing; null when the root's own passing check comes last. */
  async resolveIfReady(rootId: string, now: Date, causationId: string | null): Promise<void> {
    const root = this.host.state().incidents.byId.get(rootId);
    if (!root || !readyToResolve(root)) return;
    const reason = `${root.target} verified and every consequence passes again (${root.consequences.map((c) => `${c.target} ${c.check}`).join(', ')})`;
    const id = causationId ? derivedId('IncidentResolved', causationId) : newId();
    await this.host.record(caseEvents.resolved(targetOf(root.target), root.id, 'remediated', reason, now, id, causationId));
  }

  /** `latest`: what the consequence just observed says, fresher than the reason it was linked with. */
  private async escalateIfOverdue(root: IncidentRecord, latest: { target: string; check: string; reason: string }, now: Date): Promise<void> {
    const overdue = overdueConsequences(root, now, this.graceMs);
    if (overdue.length === 0 || root.verifiedAt === null) return;
    const reasonOf = (c: ConsequenceRecord) => (c.target === latest.target && c.check === latest.check ? latest.reason : c.reason);
    const names = overdue.map((c) => `${c.target} ${c.check} (${reasonOf(c)})`).join('; ');
    const reason = `${root.target} is fixed and verified, but ${overdue.length} consequence(s) still fail ${Math.round(this.graceMs / 1000)}s later: ${names}`;
    await this.host.record(caseEvents.consequencesOverdue(targetOf(root.target), root.id, root.verifiedAt, reason, root.actions, now));
  }
}

function targetOf(key: string): TargetRef {
  const parsed = parseTargetKey(key);
  if (!parsed.ok) throw new Error(`an incident names a malformed target: ${parsed.error}`);
  return parsed.target;
}
