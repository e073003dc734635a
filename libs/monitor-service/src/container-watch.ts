import { Logger } from '@nestjs/common';
import type Docker from 'dockerode';
import type { JarvisConfig } from '@jarvis/config';
import { containerTarget, createEvent, derivedId, newId, targetKey, type CheckResultView, type WatchedTargetView } from '@jarvis/contracts';
import { containerChecks, watchedBecause, worstOf, type ContainerRuntime, type ContainerSnapshot } from '@jarvis/checks';
import { ContainerEventStream, type ContainerEvent } from '@jarvis/docker';
import { openIncidentFor } from '@jarvis/incidents';
import type { ProcessorHost, ServiceHealth } from '@jarvis/service-kit';
import { ATTR, inSpan, SPAN, SpanKind } from '@jarvis/telemetry';
import type { MonitorState } from './monitor-state.js';
import { reconcileOutcome } from './reconcile-outcome.js';
import type { TargetLocks } from './target-locks.js';


/** An API kill (docker stop/kill) this recent before a container exits marks the exit as the owner's doing. */
const OPERATOR_KILL_WINDOW_MS = 120_000;

/**
 * Watches containers through the engine's event stream (the fast path, ~0.1 s after a death) and a periodic
 * reconciliation (the safety net after missed events, reconnects and restarts of Jarvis).
 */
export class ContainerWatch {
  private readonly logger = new Logger('monitor');
  private readonly checks = containerChecks();
  private readonly recentKills = new Map<string, number>();
  private readonly stream: ContainerEventStream;
  private reconcileTimer: NodeJS.Timeout | undefined;
  private reconciling: Promise<CheckResultView[]> | undefined;
  /** The first pass after start re-records open failures at once, so work interrupted by a restart resumes. */
  private firstPass = true;

  constructor(
    docker: Docker,
    private readonly containers: ContainerRuntime,
    private readonly host: ProcessorHost<MonitorState>,
    private readonly locks: TargetLocks,
    private readonly config: JarvisConfig,
    private readonly health: ServiceHealth,
    private readonly clock: () => Date,
  ) {
    this.stream = new ContainerEventStream(docker, {
      onEvent: (event) => this.onEngineEvent(event),
      onConnected: () => {
        this.health.recover('docker');
        void this.reconcile();
      },
      onError: (error) => {
        this.health.degrade('docker', `events: ${error.message}`);
        this.logger.warn(`docker events: ${error.message}`);
      },
    });
  }

  async start(): Promise<void> {
    await this.stream.start();
    this.reconcileTimer = setInterval(() => void this.reconcile(), this.config.watch.reconcileIntervalSeconds * 1000);
  }

  stop(): void {
    clearInterval(this.reconcileTimer);
    this.stream.stop();
  }

  /** Checks every watched container now and returns what each check said. */
  reconcile(): Promise<CheckResultView[]> {
    this.reconciling ??= this.reconcileAll().finally(() => (this.reconciling = undefined));
    return this.reconciling;
  }

  async targets(): Promise<WatchedTargetView[]> {
    const snapshots = await this.containers.list();
    return snapshots.flatMap((s) => {
      const because = watchedBecause(s.name, s.labels, this.config.watch);
      return because ? [{ target: targetKey(containerTarget(s.name)), state: s.state, health: s.health?.status ?? null, watchedBecause: because }] : [];
    });
  }

  private async reconcileAll(): Promise<CheckResultView[]> {
    try {
      const snapshots = await this.containers.list();
      const watched = snapshots.filter((s) => watchedBecause(s.name, s.labels, this.config.watch));
      const seen = new Set(watched.map((s) => s.name));
      const vanished = [...this.host.state().incidents.openByTarget.keys()]
        .filter((key) => key.startsWith('container:') && !seen.has(key.slice('container:'.length)))
        .map((key) => key.slice('container:'.length));
      const eventDriven = this.firstPass;
      this.firstPass = false;
      return await Promise.all([
        ...watched.map((s) => this.observe(s.name, s, eventDriven)),
        ...vanished.map((name) => this.observe(name, null, eventDriven)),
      ]);
    } catch (error) {
      this.logger.warn(`reconciliation failed: ${(error as Error).message}`);
      this.health.degrade('docker', `reconciliation: ${(error as Error).message}`);
      return [];
    }
  }

  private onEngineEvent(event: ContainerEvent): void {
    const target = targetKey(containerTarget(event.name));
    if (event.kind === 'kill') {
      if (!openIncidentFor(this.host.state().incidents, target)?.pendingDecisionId) this.recentKills.set(event.name, event.time.getTime());
      return;
    }
    if (event.kind === 'start') this.recentKills.delete(event.name);
    if (event.kind === 'health_status' && event.healthStatus === 'starting') return;
    const watched = watchedBecause(event.name, event.labels, this.config.watch) !== null;
    if (!watched && !openIncidentFor(this.host.state().incidents, target)) return;
    void this.observe(event.name, undefined, true).catch((error: Error) => this.logger.error(`observing ${event.name}: ${error.message}`));
  }

  /** A recent API kill, or an owner's stop recorded after the container's last start (survives Jarvis restarts). */
  private stoppedByOperator(name: string, snapshot: ContainerSnapshot | null, recordedStopAt: number | undefined, now: Date): boolean {
    const killedAt = this.recentKills.get(name);
    if (killedAt !== undefined && now.getTime() - killedAt < OPERATOR_KILL_WINDOW_MS) return true;
    if (recordedStopAt === undefined || !snapshot || snapshot.state === 'running') return false;
    return !snapshot.startedAt || recordedStopAt >= Date.parse(snapshot.startedAt);
  }

  /** Inspects (unless given a snapshot), evaluates and records what the observation means. */
  private observe(name: string, known: ContainerSnapshot | null | undefined, eventDriven: boolean): Promise<CheckResultView> {
    const target = containerTarget(name);
    const key = targetKey(target);
    return this.locks.run(key, async () => {
      const snapshot = known !== undefined ? known : await this.containers.inspect(name);
      const now = this.clock();
      const state = this.host.state();
      const observation = { snapshot, stoppedByOperator: this.stoppedByOperator(name, snapshot, state.operatorStops.get(key), now) };
      const result = worstOf(this.checks.map((check) => check.evaluate(observation, now)));
      const incident = openIncidentFor(state.incidents, key);
      const outcome = reconcileOutcome({
        incident,
        result,
        now,
        eventDriven,
        redetectAfterMs: this.config.watch.reconcileIntervalSeconds * 1000,
        operatorStoppedAt: state.operatorStops.get(key),
      });
      const detection = (correlationId: string) =>
        createEvent({
          id: newId(),
          type: 'DetectionRecorded',
          source: 'monitor',
          time: now.toISOString(),
          subject: key,
          correlationId,
          causationId: null,
          data: { target, check: result.check, status: result.status, reason: result.reason, faultAt: result.faultAt },
        });
      switch (outcome) {
        case 'open-incident':
          await inSpan(SPAN.detect, { kind: SpanKind.PRODUCER, attributes: { [ATTR.target]: key, [ATTR.check]: result.check } }, async (span) => {
            const incidentId = newId();
            span.setAttribute(ATTR.incidentId, incidentId);
            const detected = detection(incidentId);
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
                data: { target, detectionId: detected.id, faultAt: result.faultAt, summary: `${key}: ${result.reason}` },
              }),
            );
          });
          this.logger.warn(`${key}: ${result.reason} (incident opened)`);
          break;
        case 'redetect':
          await inSpan(SPAN.detect, { kind: SpanKind.PRODUCER, attributes: { [ATTR.target]: key, [ATTR.incidentId]: incident!.id } }, () =>
            this.host.record(detection(incident!.id)),
          );
          break;
        case 'resolve-recovered':
          await this.host.record(
            createEvent({
              id: newId(),
              type: 'IncidentResolved',
              source: 'monitor',
              time: now.toISOString(),
              subject: key,
              correlationId: incident!.id,
              causationId: null,
              data: { target, resolution: 'recovered', reason: `${result.reason} without a further action by Jarvis` },
            }),
          );
          break;
        case 'mark-stopped':
          await this.host.record(detection(derivedId('operator-stop', key, result.faultAt)));
          this.logger.log(`${key}: ${result.reason}; left alone`);
          break;
        case 'nothing':
          break;
      }
      return { check: result.check, target: key, status: result.status, reason: result.reason, observedAt: now.toISOString() };
    });
  }
}
