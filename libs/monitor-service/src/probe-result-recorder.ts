import { createEvent, derivedId, newId, targetKey, type TargetRef } from '@jarvis/contracts';
import type { CheckResult } from '@jarvis/registry';
import { lastResolvedAt, openIncidentFor, openIncidentsOf, rootIncidentOf } from '@jarvis/incidents';
import type { ProcessorHost } from '@jarvis/service-kit';
import { inSpan, publishAttributes, SPAN, SpanKind } from '@jarvis/telemetry';
import { caseEvents } from './case-events.js';
import { ConsequenceRecorder, NO_DEPENDENCIES } from './consequence-recorder.js';
import type { MonitorState } from './monitor-state.js';
import { reconcileOutcome } from './reconcile-outcome.js';
import { CORRELATION_LOCK, TargetLocks } from './target-locks.js';

/** One observation of one check of one target, from any source: an engine event, a reconciliation, a scheduled probe. */
export type ProbeObservation = {
  target: TargetRef;
  result: CheckResult;
  /** An engine event (or the first pass after a start): a failure is recorded at once, even an unchanged one. */
  eventDriven: boolean;
  /** The target no longer exists (a container removed by its owner). */
  removed: boolean;
  now: Date;
  /** When the reading was taken (a scheduled probe's start), when that can precede `now` by a whole probe run. */
  readAt?: Date;
};

export type RecorderSettings = { redetectAfterMs: number; restateStopAfterMs: number };

/**
 * The one step that turns an observation into facts, whatever the kind: opens, re-detects, resolves or withdraws
 * the incident of that target and check. The caller holds the target's lock.
 */
export class ProbeResultRecorder {
  constructor(
    private readonly host: ProcessorHost<MonitorState>,
    private readonly settings: RecorderSettings,
    private readonly consequences: ConsequenceRecorder = new ConsequenceRecorder(host, NO_DEPENDENCIES, 0),
    private readonly locks: TargetLocks = new TargetLocks(),
  ) {}

  async record(observation: ProbeObservation): Promise<void> {
    const key = targetKey(observation.target);
    if (!this.consequences.involves(key)) return this.recordAlone(observation, key);
    return this.locks.run(CORRELATION_LOCK, () => this.recordCorrelated(observation, key));
  }

  /** A linked consequence is the root incident's business; a target with its own incident may have a deeper root now. */
  private async recordCorrelated(observation: ProbeObservation, key: string): Promise<void> {
    const { target, result, now } = observation;
    const root = rootIncidentOf(this.host.state().incidents, key, result.check);
    if (root) return this.consequences.observe(root, target, key, result, now);
    await this.recordAlone(observation, key);
    for (const own of openIncidentsOf(this.host.state().incidents, key)) await this.consequences.mergeIntoDeeperRoot(own, key, now);
  }

  private async recordAlone({ target, result, eventDriven, removed, now, readAt }: ProbeObservation, key: string): Promise<void> {
    const state = this.host.state();
    const incident = openIncidentFor(state.incidents, key, result.check);
    const operatorStoppedAt = state.operatorStops.get(key);
    const outcome = reconcileOutcome({ incident, result, removed, now, eventDriven, operatorStoppedAt, ...this.settings });
    // A reading taken while a fix was under way (a cleanup deleting the files it counts) and told after the fix was
    // verified would open a case for a fault already gone: the next reading tells whether the fault is back.
    if (outcome === 'open-incident' && readAt && readAt.getTime() < (lastResolvedAt(state.incidents, key, result.check) ?? -Infinity)) return;
    switch (outcome) {
      case 'open-incident':
        await this.openIncident(target, result, now);
        return;
      case 'redetect': {
        const detected = caseEvents.detection(target, result, incident!.id, now);
        await inSpan(SPAN.detect, { kind: SpanKind.PRODUCER, attributes: publishAttributes(detected) }, () => this.host.record(detected));
        return;
      }
      case 'resolve-recovered':
        if (this.consequences.waitsForConsequences(incident!)) return;
        if (incident!.verifiedAt !== null) return this.consequences.resolveIfReady(incident!.id, now, null);
        await this.host.record(caseEvents.resolved(target, incident!.id, 'recovered', `${result.reason} without a further action by Jarvis`, now, newId()));
        return;
      case 'withdraw': {
        const id = derivedId('IncidentResolved', incident!.id, 'withdrawn');
        await this.host.record(caseEvents.resolved(target, incident!.id, 'withdrawn', `${removed ? `${target.kind} removed` : result.reason} by its owner`, now, id));
        return;
      }
      case 'mark-stopped':
        await this.host.record(caseEvents.detection(target, result, derivedId('operator-stop', key, result.faultAt), now));
        return;
      case 'nothing':
        return;
    }
  }

  /** Whether a failure of this check would be new: no incident of its own is open and it is no open incident's consequence. */
  isUnexplained(key: string, check: string): boolean {
    const { incidents } = this.host.state();
    return !openIncidentFor(incidents, key, check) && !rootIncidentOf(incidents, key, check);
  }

  /** A passing streak of a check whose passes confirm the target's config: recorded once per streak, outside any case. */
  confirm(target: TargetRef, result: CheckResult, now: Date): Promise<void> {
    const id = newId();
    return this.host.record(
      createEvent({ id, type: 'CheckConfirmed', source: 'monitor', time: now.toISOString(), subject: targetKey(target), correlationId: id, causationId: null, data: { target, check: result.check, reason: result.reason.slice(0, 1024) } }),
    );
  }

  /** Unless a failing dependency explains it: then it joins that incident as a consequence. */
  private async openIncident(target: TargetRef, result: CheckResult, now: Date): Promise<void> {
    const key = targetKey(target);
    if (await this.consequences.join(target, key, result, now)) return;
    const detected = caseEvents.detection(target, result, newId(), now);
    await inSpan(SPAN.detect, { kind: SpanKind.PRODUCER, attributes: publishAttributes(detected) }, () =>
      this.host.recordInOrder([detected, caseEvents.incidentOpened(detected, now)]),
    );
    const opened = openIncidentFor(this.host.state().incidents, key, result.check);
    if (opened) await this.consequences.mergeDependents(opened, key, [key], now);
  }
}
