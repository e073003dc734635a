import { containerTarget, targetKey, type CheckResultView } from '@jarvis/contracts';
import { containerChecks, worstOf, type ContainerRuntime, type ContainerSnapshot } from '@jarvis/registry';
import { openIncidentsOf } from '@jarvis/incidents';
import type { ProcessorHost } from '@jarvis/service-kit';
import { snapshotAfterExit } from './exit-snapshot.js';
import type { MonitorState } from './monitor-state.js';
import type { ProbeResultRecorder } from './probe-result-recorder.js';
import type { TargetLocks } from './target-locks.js';

/** An API kill (docker stop/kill) this recent before a container exits marks the exit as the owner's doing. */
const OPERATOR_KILL_WINDOW_MS = 120_000;

/** Observes one container, evaluates its checks, and has the recorder say what the observation means. */
export class ContainerObserver {
  private readonly checks = containerChecks();
  private readonly recentKills = new Map<string, number>();
  /** The last inspection of each container, so that its death can be judged from the `die` event alone. */
  private readonly lastSeen = new Map<string, ContainerSnapshot>();
  /** Starts seen per container name: a death judged after a later start would report a container already back. */
  private readonly starts = new Map<string, number>();
  /** Containers the engine reported an OOM kill of, until their `die` event. */
  private readonly oomKilled = new Set<string>();

  constructor(
    private readonly containers: ContainerRuntime,
    private readonly host: ProcessorHost<MonitorState>,
    private readonly locks: TargetLocks,
    private readonly recorder: ProbeResultRecorder,
    private readonly clock: () => Date,
  ) {}

  /** The engine reported an API kill of `name` at `at` (not Jarvis's own restart, which has a pending decision). */
  killed(name: string, at: Date): void {
    for (const [other, killedAt] of this.recentKills) if (at.getTime() - killedAt >= OPERATOR_KILL_WINDOW_MS) this.recentKills.delete(other);
    const incidents = openIncidentsOf(this.host.state().incidents, targetKey(containerTarget(name)));
    if (!incidents.some((incident) => incident.pendingDecisionId)) this.recentKills.set(name, at.getTime());
  }

  /** A stop by the owner follows the container to its new name (compose renames what it recreates, then removes it). */
  renamed(oldName: string | null, name: string): void {
    const killedAt = oldName === null ? undefined : this.recentKills.get(oldName);
    if (killedAt !== undefined) this.recentKills.set(name, killedAt);
    if (oldName === null) return;
    this.lastSeen.delete(oldName);
    this.starts.delete(oldName);
  }

  started(name: string): void {
    this.recentKills.delete(name);
    this.starts.set(name, (this.starts.get(name) ?? 0) + 1);
  }

  oom(containerId: string): void {
    this.oomKilled.add(containerId);
  }

  /**
   * Judges a death from the `die` event and the container's last inspection, skipping the inspect that the engine
   * would answer only after its clean-up; it inspects as usual when the event cannot stand for one, or when the
   * container started again before the lock was free.
   */
  exited(name: string, exit: { containerId: string; exitCode: number | null; time: Date }): Promise<CheckResultView> {
    const startsBefore = this.starts.get(name) ?? 0;
    const oomKilled = this.oomKilled.delete(exit.containerId);
    return this.observeWith(name, true, async () => {
      const last = this.lastSeen.get(name);
      const fromEvent = last && (this.starts.get(name) ?? 0) === startsBefore ? snapshotAfterExit(last, { ...exit, oomKilled }) : null;
      return fromEvent ?? this.inspect(name);
    });
  }

  /**
   * Inspects, evaluates and records what the observation means. It inspects under the target's lock even when a
   * listing just did: a snapshot taken before the lock may predate a removal that another observation has already
   * recorded, and would open an incident for a container that is gone.
   */
  observe(name: string, eventDriven: boolean): Promise<CheckResultView> {
    return this.observeWith(name, eventDriven, () => this.inspect(name));
  }

  private observeWith(name: string, eventDriven: boolean, look: () => Promise<ContainerSnapshot | null>): Promise<CheckResultView> {
    const target = containerTarget(name);
    const key = targetKey(target);
    return this.locks.run(key, async () => {
      const snapshot = await look();
      const now = this.clock();
      const stoppedByOperator = this.stoppedByOperator(name, snapshot, this.host.state().operatorStops.get(key), now);
      const results = this.checks.map((check) => check.evaluate({ snapshot, stoppedByOperator }, now));
      for (const result of results) await this.recorder.record({ target, result, eventDriven, removed: snapshot === null, now });
      const result = worstOf(results);
      return { check: result.check, target: key, status: result.status, reason: result.reason, observedAt: now.toISOString() };
    });
  }

  private async inspect(name: string): Promise<ContainerSnapshot | null> {
    const snapshot = await this.containers.inspect(name);
    if (snapshot) this.lastSeen.set(name, snapshot);
    else this.lastSeen.delete(name);
    return snapshot;
  }

  /** A recent API kill, or an owner's stop recorded after the container's last start (survives Jarvis restarts). */
  private stoppedByOperator(name: string, snapshot: ContainerSnapshot | null, recordedStopAt: number | undefined, now: Date): boolean {
    const killedAt = this.recentKills.get(name);
    if (killedAt !== undefined && now.getTime() - killedAt < OPERATOR_KILL_WINDOW_MS) return true;
    if (recordedStopAt === undefined || !snapshot || snapshot.state === 'running') return false;
    return !snapshot.startedAt || recordedStopAt >= Date.parse(snapshot.startedAt);
  }
}
