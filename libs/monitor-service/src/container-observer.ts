import { containerTarget, targetKey, type CheckResultView } from '@jarvis/contracts';
import { containerChecks, worstOf, type ContainerRuntime, type ContainerSnapshot } from '@jarvis/registry';
import { openIncidentsOf } from '@jarvis/incidents';
import type { ProcessorHost } from '@jarvis/service-kit';
import type { MonitorState } from './monitor-state.js';
import type { ProbeResultRecorder } from './probe-result-recorder.js';
import type { TargetLocks } from './target-locks.js';

/** An API kill (docker stop/kill) this recent before a container exits marks the exit as the owner's doing. */
const OPERATOR_KILL_WINDOW_MS = 120_000;

/** Observes one container, evaluates its checks, and has the recorder say what the observation means. */
export class ContainerObserver {
  private readonly checks = containerChecks();
  private readonly recentKills = new Map<string, number>();

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
    const target = containerTarget(name);
    const key = targetKey(target);
    return this.locks.run(key, async () => {
      const snapshot = await this.containers.inspect(name);
      const now = this.clock();
      const stoppedByOperator = this.stoppedByOperator(name, snapshot, this.host.state().operatorStops.get(key), now);
      const results = this.checks.map((check) => check.evaluate({ snapshot, stoppedByOperator }, now));
      for (const result of results) await this.recorder.record({ target, result, eventDriven, removed: snapshot === null, now });
      const result = worstOf(results);
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
}
