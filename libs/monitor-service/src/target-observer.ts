import { Logger } from '@nestjs/common';
import type { JarvisConfig } from '@jarvis/config';
import { containerTarget, createEvent, derivedId, newId, targetKey, type CheckResultView, type JarvisEvent } from '@jarvis/contracts';
import { containerChecks, worstOf, type CheckResult, type ContainerRuntime, type ContainerSnapshot } from '@jarvis/checks';
import { openIncidentFor, type IncidentRecord } from '@jarvis/incidents';
import type { ProcessorHost } from '@jarvis/service-kit';
import { ATTR, inSpan, SPAN, SpanKind } from '@jarvis/telemetry';
import type { MonitorState } from './monitor-state.js';
import { reconcileOutcome } from './reconcile-outcome.js';
import type { TargetLocks } from './target-locks.js';

/** An API kill (docker stop/kill) this recent before a container exits marks the exit as the owner's doing. */
const OPERATOR_KILL_WINDOW_MS = 120_000;

type Observed = { name: string; key: string; result: CheckResult; incident: IncidentRecord | undefined; now: Date };

/** Observes one container, evaluates the checks, and records what the observation means for its incident. */
export class TargetObserver {
  private readonly logger = new Logger('monitor');
  private readonly checks = containerChecks();
  private readonly recentKills = new Map<string, number>();

  constructor(
    private readonly containers: ContainerRuntime,
    private readonly host: ProcessorHost<MonitorState>,
    private readonly locks: TargetLocks,
    private readonly config: JarvisConfig,
    private readonly clock: () => Date,
  ) {}

  /** The engine reported an API kill of `name` at `at` (not Jarvis's own restart, which has a pending decision). */
  killed(name: string, at: Date): void {
    for (const [other, killedAt] of this.recentKills) if (at.getTime() - killedAt >= OPERATOR_KILL_WINDOW_MS) this.recentKills.delete(other);
    if (!openIncidentFor(this.host.state().incidents, targetKey(containerTarget(name)))?.pendingDecisionId) this.recentKills.set(name, at.getTime());
  }

  /** A stop by the owner follows the container to its new name (compose renames what it recreates, then removes it). */
  renamed(oldName: string | null, name: string): void {
    const killedAt = oldName === null ? undefined : this.recentKills.get(oldName);
    if (killedAt !== undefined) this.recentKills.set(name, killedAt);
  }

  started(name: string): void {
    this.recentKills.delete(name);
  }

  /**
   * Inspects, evaluates and records what the observation means. It inspects under the target's lock even when a
   * listing just did: a snapshot taken before the lock may predate a removal that another observation has already
   * recorded, and would open an incident for a container that is gone.
   */
  observe(name: string, eventDriven: boolean): Promise<CheckResultView> {
    const key = targetKey(containerTarget(name));
    return this.locks.run(key, async () => {
      const snapshot = await this.containers.inspect(name);
      const now = this.clock();
      const state = this.host.state();
      const stoppedByOperator = this.stoppedByOperator(name, snapshot, state.operatorStops.get(key), now);
      const result = worstOf(this.checks.map((check) => check.evaluate({ snapshot, stoppedByOperator }, now)));
      const observed: Observed = { name, key, result, incident: openIncidentFor(state.incidents, key), now };
      await this.record(observed, snapshot === null, eventDriven, state.operatorStops.get(key));
      return { check: result.check, target: key, status: result.status, reason: result.reason, observedAt: now.toISOString() };
    });
  }

  /** A recent API kill, or an owner's stop recorded after the container's last start (survives Jarvis restarts). */
  private stoppedByOperator(name: string, snapshot: ContainerSnapshot | null, recordedStopAt: number | undefined, now: Date): boolean {
    const killedAt = this.recentKills.get(name);
    if (killedAt !== undefined && now.getTime() - killedAt < OPERATOR_KILL_WINDOW_MS) return true;
    if (recordedStopAt === undefined || !snapshot || snapshot.state === 'running') return false;
    return !snapshot.startedAt || recordedStopAt >= Date.parse(snapshot.startedAt);
  }

  private async record(observed: Observed, removed: boolean, eventDriven: boolean, operatorStoppedAt: number | undefined): Promise<void> {
    const { key, result, incident, now } = observed;
    const outcome = reconcileOutcome({
      incident,
      result,
      removed,
      now,
      eventDriven,
      redetectAfterMs: this.config.watch.reconcileIntervalSeconds * 1000,
      operatorStoppedAt,
      restateStopAfterMs: (this.config.events.closedCaseRetentionHours * 3_600_000) / 2,
    });
    switch (outcome) {
      case 'open-incident':
        await this.openIncident(observed);
        this.logger.warn(`${key}: ${result.reason} (incident opened)`);
        return;
      case 'redetect':
        await inSpan(SPAN.detect, { kind: SpanKind.PRODUCER, attributes: { [ATTR.target]: key, [ATTR.incidentId]: incident!.id } }, () =>
          this.host.record(detection(observed, incident!.id)),
        );
        return;
      case 'resolve-recovered':
        await this.host.record(resolution(observed, newId(), 'recovered', `${result.reason} without a further action by Jarvis`));
        return;
      case 'withdraw':
        await this.host.record(resolution(observed, derivedId('IncidentResolved', incident!.id, 'withdrawn'), 'withdrawn', `${removed ? 'container removed' : result.reason} by its owner`));
        this.logger.log(`${key}: ${result.reason} by its owner; incident withdrawn`);
        return;
      case 'mark-stopped':
        await this.host.record(detection(observed, derivedId('operator-stop', key, result.faultAt)));
        this.logger.log(`${key}: ${result.reason}; left alone`);
        return;
      case 'nothing':
        return;
    }
  }

  private openIncident(observed: Observed): Promise<void> {
    const { key, result, now } = observed;
    return inSpan(SPAN.detect, { kind: SpanKind.PRODUCER, attributes: { [ATTR.target]: key, [ATTR.check]: result.check } }, async (span) => {
      const incidentId = newId();
      span.setAttribute(ATTR.incidentId, incidentId);
      const detected = detection(observed, incidentId);
      await this.host.record(detected);
      await this.host.record(
        createEvent({
          id: derivedId('IncidentOpened', detected.id),
          type: 'IncidentOpened',
          source: 'monitor',
          time: now.toISOString(),
          subject: key,
          correlationId: incidentId,
          causationId: detected.id,
          data: { target: detected.data.target, detectionId: detected.id, faultAt: result.faultAt, summary: `${key}: ${result.reason}` },
        }),
      );
    });
  }
}

function detection({ name, key, result, now }: Observed, correlationId: string) {
  return createEvent({
    id: newId(),
    type: 'DetectionRecorded',
    source: 'monitor',
    time: now.toISOString(),
    subject: key,
    correlationId,
    causationId: null,
    data: { target: containerTarget(name), check: result.check, status: result.status, reason: result.reason, faultAt: result.faultAt },
  });
}

function resolution({ name, key, now, incident }: Observed, id: string, resolution: 'recovered' | 'withdrawn', reason: string): JarvisEvent {
  return createEvent({
    id,
    type: 'IncidentResolved',
    source: 'monitor',
    time: now.toISOString(),
    subject: key,
    correlationId: incident!.id,
    causationId: null,
    data: { target: containerTarget(name), resolution, reason },
  });
}
