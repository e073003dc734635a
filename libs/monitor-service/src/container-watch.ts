import { Logger } from '@nestjs/common';
import type Docker from 'dockerode';
import type { JarvisConfig } from '@jarvis/config';
import { containerTarget, targetKey, type CheckResultView, type TargetsReply } from '@jarvis/contracts';
import { watchedBecause, type ContainerListing, type ContainerRuntime } from '@jarvis/registry';
import { ContainerEventStream, type ContainerEvent, type DockerCallLimits } from '@jarvis/docker';
import { openIncidentsOf } from '@jarvis/incidents';
import type { ProcessorHost, ServiceHealth } from '@jarvis/service-kit';
import type { MonitorState } from './monitor-state.js';
import { EngineReachability } from './engine-reachability.js';
import { ContainerObserver } from './container-observer.js';
import type { ProbeResultRecorder } from './probe-result-recorder.js';
import type { TargetLocks } from './target-locks.js';

/**
 * Watches containers through the engine's event stream (the fast path, ~0.1 s after a death) and a periodic
 * reconciliation (the safety net after missed events, reconnects and restarts of Jarvis).
 */
export class ContainerWatch {
  private readonly logger = new Logger('monitor');
  private readonly stream: ContainerEventStream;
  private readonly observer: ContainerObserver;
  private readonly engine: EngineReachability;
  /** Targets whose observation failed (e.g. a hung inspect), so each failure and recovery is said once. */
  private readonly unanswered = new Set<string>();
  private reconcileTimer: NodeJS.Timeout | undefined;
  private reconciling: Promise<CheckResultView[]> | undefined;
  /** The first pass after start re-records open failures at once, so work interrupted by a restart resumes. */
  private firstPass = true;

  constructor(
    docker: Docker,
    private readonly containers: ContainerRuntime,
    private readonly host: ProcessorHost<MonitorState>,
    locks: TargetLocks,
    recorder: ProbeResultRecorder,
    private readonly config: JarvisConfig,
    health: ServiceHealth,
    private readonly clock: () => Date,
    limits: DockerCallLimits,
  ) {
    this.engine = new EngineReachability(health, limits.endpoint);
    this.observer = new ContainerObserver(containers, host, locks, recorder, clock);
    this.stream = new ContainerEventStream(docker, limits, {
      onEvent: (event) => this.onEngineEvent(event),
      onConnected: () => {
        this.engine.back();
        void this.reconcile();
      },
      onError: (error) => this.engine.lost(`Docker events: ${error.message}`),
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

  /** The watched containers, or why they cannot be listed: a status page shows the reason, not a stack trace. */
  async targets(): Promise<TargetsReply> {
    let listing: ContainerListing;
    try {
      listing = await this.containers.list();
    } catch (error) {
      return { error: (error as Error).message };
    }
    const unreadable = listing.unreadable.map((u) => ({ name: u.name, labels: u.labels, state: `unknown (${u.error})`, health: null }));
    const readable = listing.snapshots.map((s) => ({ name: s.name, labels: s.labels, state: s.state, health: s.health?.status ?? null }));
    return {
      targets: [...readable, ...unreadable].flatMap((c) => {
        const because = watchedBecause(c.name, c.labels, this.config.watch);
        return because ? [{ target: targetKey(containerTarget(c.name)), state: c.state, health: c.health, watchedBecause: because }] : [];
      }),
    };
  }

  private async reconcileAll(): Promise<CheckResultView[]> {
    let listing: ContainerListing;
    try {
      listing = await this.containers.list();
    } catch (error) {
      this.engine.lost(`reconciliation: ${(error as Error).message}`);
      return [];
    }
    if (this.engine.back()) this.firstPass = true;
    const watched = listing.snapshots.filter((s) => watchedBecause(s.name, s.labels, this.config.watch));
    const unreadable = listing.unreadable.filter((u) => watchedBecause(u.name, u.labels, this.config.watch));
    const listed = new Set([...listing.snapshots, ...listing.unreadable].map((c) => c.name));
    const vanished = [...new Set(openContainerIncidents(this.host.state()).map((incident) => incident.target))]
      .map((key) => key.slice(CONTAINER_PREFIX.length))
      .filter((name) => !listed.has(name));
    const eventDriven = this.firstPass;
    this.firstPass = false;
    const observed = await Promise.all([
      ...watched.map((s) => this.observeSafely(s.name, () => this.observer.observe(s.name, eventDriven))),
      ...vanished.map((name) => this.observeSafely(name, () => this.observer.observe(name, eventDriven))),
    ]);
    for (const u of unreadable) this.unanswering(u.name, u.error);
    return [...observed.flatMap((r) => (r ? [r] : [])), ...unreadable.map((u) => unanswered(u.name, u.error, this.clockIso()))];
  }

  private onEngineEvent(event: ContainerEvent): void {
    if (event.kind === 'kill') return this.observer.killed(event.name, event.time);
    if (event.kind === 'rename') return this.observer.renamed(event.oldName, event.name);
    if (event.kind === 'start') this.observer.started(event.name);
    if (event.kind === 'health_status' && event.healthStatus === 'starting') return;
    const watched = watchedBecause(event.name, event.labels, this.config.watch) !== null;
    if (!watched && openIncidentsOf(this.host.state().incidents, targetKey(containerTarget(event.name))).length === 0) return;
    if (event.kind === 'oom') this.observer.oom(event.containerId);
    if (event.kind === 'die') void this.observeSafely(event.name, () => this.observer.exited(event.name, event));
    else void this.observeSafely(event.name, () => this.observer.observe(event.name, true));
  }

  /** One target's failure (a hung inspect, an append that failed) never stops the others' reconciliation. */
  private async observeSafely(name: string, observe: () => Promise<CheckResultView>): Promise<CheckResultView | undefined> {
    try {
      const result = await observe();
      if (this.unanswered.delete(name)) this.logger.log(`container:${name}: observed again`);
      return result;
    } catch (error) {
      this.unanswering(name, (error as Error).message);
      return unanswered(name, (error as Error).message, this.clockIso());
    }
  }

  private unanswering(name: string, reason: string): void {
    if (this.unanswered.has(name)) return;
    this.unanswered.add(name);
    this.logger.warn(`container:${name}: cannot observe: ${reason}`);
  }

  private clockIso(): string {
    return this.clock().toISOString();
  }
}

const CONTAINER_PREFIX = 'container:';

function openContainerIncidents(state: MonitorState) {
  return [...state.incidents.openByCase.values()].flatMap((id) => {
    const incident = state.incidents.byId.get(id);
    return incident && incident.target.startsWith(CONTAINER_PREFIX) ? [incident] : [];
  });
}

function unanswered(name: string, reason: string, observedAt: string): CheckResultView {
  return { check: 'container_state', target: targetKey(containerTarget(name)), status: 'failed', reason: `cannot observe: ${reason}`, observedAt };
}
