import { Logger } from '@nestjs/common';
import type { ProbesConfig } from '@jarvis/config';
import { targetKey, type CheckResultView, type WatchedTargetView } from '@jarvis/contracts';
import type { CheckResult, ProbeFinding, ScheduledProbe } from '@jarvis/registry';
import type { Dependencies } from '@jarvis/incidents';
import { Hysteresis, ProbeScheduler, runProbeOnce, type ProbeRun, type SchedulerTimers } from '@jarvis/schedule';
import { ProbeLagWindow } from './probe-lag-window.js';
import { firstRunDelays } from './probe-phases.js';
import type { ProbeResultRecorder } from './probe-result-recorder.js';
import type { TargetLocks } from './target-locks.js';
import { onDemandReadingCounts, upstreamProbesToRun, type UpstreamProbe } from './upstream-look.js';

/** The last word of one probe, for the status page and `diagnose`. */
type Latest = { result: CheckResult; observedAt: string };

/** Stop waits this long for probes that ignore their abort; they report nothing after it. */
const STOP_GRACE_MS = 2000;
/** Lag percentiles in the health details speak of this many latest runs (about a minute of 1,000 probes every 15 s). */
const LAG_WINDOW_RUNS = 4096;

/**
 * Runs every check that has no event source on its own schedule and turns the readings into facts: a failure is
 * recorded once N readings in a row failed, a recovery once M passed, and a fault keeps the time its streak began,
 * so an unchanged failure is not recorded again at every reading.
 */
export class ScheduledChecks {
  private readonly logger = new Logger('monitor');
  private readonly scheduler: ProbeScheduler<ProbeFinding>;
  private readonly hysteresis: Hysteresis;
  private readonly probes = new Map<string, ScheduledProbe>();
  /** Probe keys by target key: a dependency is read through all its probes. */
  private readonly probeKeysOf = new Map<string, string[]>();
  private readonly streakStartedAt = new Map<string, string>();
  private readonly latest = new Map<string, Latest>();
  private readonly lag = new ProbeLagWindow(LAG_WINDOW_RUNS);
  /** Probes whose passing streak was recorded as confirmed (CheckConfirmed); a failure ends the streak. */
  private readonly confirmed = new Set<string>();
  /** Probes waiting for their first run's phase, before they are handed to the scheduler. */
  private readonly phasing = new Set<NodeJS.Timeout>();
  /** When each probe's latest reading was taken, scheduled or on demand (ms). */
  private readonly lastReadAt = new Map<string, number>();
  /** On-demand runs in flight with their recording, by probe key: a dependency runs once for all who wait on it. */
  private readonly onDemand = new Map<string, Promise<void>>();
  /** Aborted at stop: on-demand runs in flight then report nothing. */
  private readonly stopping = new AbortController();
  private readonly timers: SchedulerTimers;
  private readonly failuresToFail: number;

  constructor(
    probes: readonly ScheduledProbe[],
    private readonly recorder: ProbeResultRecorder,
    private readonly locks: TargetLocks,
    settings: ProbesConfig,
    private readonly clock: () => Date,
    private readonly graph: Pick<Dependencies, 'dependenciesOf'> = { dependenciesOf: () => [] },
  ) {
    this.failuresToFail = settings.failuresBeforeDetection;
    this.timers = { now: () => this.clock().getTime(), setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) };
    this.hysteresis = new Hysteresis({ failuresToFail: settings.failuresBeforeDetection, passesToRecover: settings.passesBeforeRecovery });
    this.scheduler = new ProbeScheduler<ProbeFinding>({
      concurrency: settings.concurrency,
      jitterFraction: settings.jitterFraction,
      random: Math.random,
      timers: this.timers,
      onResult: (run) => this.onResult(run),
      stopGraceMs: STOP_GRACE_MS,
    });
    for (const probe of probes) {
      this.probes.set(keyOf(probe), probe);
      this.probeKeysOf.set(targetKey(probe.target), [...(this.probeKeysOf.get(targetKey(probe.target)) ?? []), keyOf(probe)]);
    }
  }

  start(): void {
    this.scheduler.start();
    const probes = [...this.probes];
    const delays = firstRunDelays(probes.map(([, probe]) => probe.intervalMs));
    probes.forEach(([key, probe], index) => {
      const schedule = () => this.scheduler.add({ key, intervalMs: probe.intervalMs, timeoutMs: probe.timeoutMs, run: (signal) => probe.run(signal) });
      if (delays[index] === 0) return schedule();
      const timer = setTimeout(() => {
        this.phasing.delete(timer);
        schedule();
      }, delays[index]);
      this.phasing.add(timer);
    });
  }

  async stop(): Promise<void> {
    for (const timer of this.phasing) clearTimeout(timer);
    this.phasing.clear();
    this.stopping.abort();
    const { unsettled } = await this.scheduler.stop();
    if (unsettled.length > 0) this.logger.warn(`stopped with probes still running: ${unsettled.join(', ')}`);
  }

  views(): CheckResultView[] {
    return [...this.latest.entries()].map(([key, { result, observedAt }]) => ({
      check: result.check,
      target: targetKey(this.probes.get(key)!.target),
      status: result.status === 'failed' ? 'failed' : 'ok',
      reason: result.reason,
      observedAt,
    }));
  }

  targets(): WatchedTargetView[] {
    return [...this.probes.entries()].map(([key, probe]) => ({
      target: targetKey(probe.target),
      state: this.latest.get(key)?.result.status ?? 'not probed yet',
      health: this.hysteresis.status(key) === 'failing' ? 'failing' : null,
      watchedBecause: `${probe.check} every ${probe.intervalMs / 1000} s (jarvis.yaml)`,
    }));
  }

  /** How well the probes keep their schedule, for the monitor's health details; empty while none has run. */
  healthDetails(): Record<string, number> {
    const lag = this.lag.summary();
    if (!lag) return {};
    const stats = this.scheduler.stats();
    return {
      probesRunning: stats.running,
      probesQueued: stats.queued,
      probeSkippedSlots: stats.skippedSlots,
      probeTimeouts: stats.timeouts,
      probeLagRuns: lag.runs,
      probeLagP50Ms: Math.round(lag.p50Ms),
      probeLagP99Ms: Math.round(lag.p99Ms),
      probeLagMaxMs: Math.round(lag.maxMs),
    };
  }

  private onResult(run: ProbeRun<ProbeFinding>): void {
    this.lag.record(run.startedAt - run.scheduledAt);
    void this.record(run).catch((error: Error) => this.logger.warn(`${run.key}: cannot record the reading: ${error.message}`));
  }

  /** `onDemand`: read outside the schedule, before a dependent's failure; counted as `onDemandReadingCounts` says. */
  private async record(run: ProbeRun<ProbeFinding>, onDemand = false): Promise<void> {
    const probe = this.probes.get(run.key);
    if (!probe) return;
    const passed = run.outcome.ok && run.outcome.value.status === 'ok';
    const reason = run.outcome.ok ? run.outcome.value.reason : run.outcome.reason;
    const readAt = new Date(run.startedAt).toISOString();
    this.lastReadAt.set(run.key, run.startedAt);
    if (onDemand && !this.countsOnDemand(run.key, probe, passed, run.startedAt)) {
      const result: CheckResult = { check: probe.check, status: passed ? 'ok' : 'failed', reason, faultAt: readAt };
      this.latest.set(run.key, { result, observedAt: this.clock().toISOString() });
      return;
    }
    if (!passed && !this.streakStartedAt.has(run.key)) this.streakStartedAt.set(run.key, readAt);
    this.hysteresis.record(run.key, passed);
    const failing = this.hysteresis.status(run.key) === 'failing';
    if (passed && !failing) this.streakStartedAt.delete(run.key);
    const result: CheckResult = { check: probe.check, status: passed ? 'ok' : 'failed', reason, faultAt: passed ? readAt : this.streakStartedAt.get(run.key)! };
    this.latest.set(run.key, { result, observedAt: this.clock().toISOString() });
    if (failing) this.confirmed.delete(run.key);
    // Between the first failure and the Nth, and between the first pass and the Mth, nothing has changed yet.
    if (passed === failing) return;
    if (!passed && !(await this.stillFailingAfterLookingUpstream(run, probe, result))) return;
    const now = this.clock();
    await this.locks.run(targetKey(probe.target), () => this.recorder.record({ target: probe.target, result, eventDriven: false, removed: false, now, readAt: new Date(run.startedAt) }));
    if (passed && probe.confirmsPasses && !this.confirmed.has(run.key)) {
      await this.recorder.confirm(probe.target, result, now);
      this.confirmed.add(run.key);
    }
  }

  /**
   * A failure that would open an incident of a check relying on other targets waits for their readings first. False
   * when a reading of the dependent that came in meanwhile ended this failure, or began another one.
   */
  private async stillFailingAfterLookingUpstream({ key, startedAt }: ProbeRun<ProbeFinding>, probe: ScheduledProbe, result: CheckResult): Promise<boolean> {
    const target = targetKey(probe.target);
    if (this.graph.dependenciesOf(target, probe.check).length === 0 || !this.recorder.isUnexplained(target, probe.check)) return true;
    await this.lookUpstream(probe, startedAt);
    return this.hysteresis.status(key) === 'failing' && this.streakStartedAt.get(key) === result.faultAt;
  }

  /**
   * Before a failure of `probe` is recorded: its dependencies' probes, run now and recorded first, so a failing one
   * has its incident (or is a consequence) when the failure is correlated. Waits for any already running on demand.
   */
  private async lookUpstream(probe: ScheduledProbe, failureReadAt: number): Promise<void> {
    const keys = upstreamProbesToRun({ target: targetKey(probe.target), check: probe.check, graph: this.graph, probesOf: (target) => this.upstreamProbesOf(target), failureReadAt });
    if (keys.length === 0) return;
    this.logger.log(`${keyOf(probe)} failed: reading ${keys.join(', ')} first, which it relies on`);
    await Promise.all(keys.map((key) => this.runOnDemand(key)));
  }

  private runOnDemand(key: string): Promise<void> {
    const running = this.onDemand.get(key);
    if (running) return running;
    const probe = this.probes.get(key)!;
    const done = runProbeOnce({ key, intervalMs: probe.intervalMs, timeoutMs: probe.timeoutMs, run: (signal) => probe.run(signal) }, this.timers, this.stopping.signal)
      .then((run) => (run ? this.record(run, true) : undefined))
      .catch((error: Error) => this.logger.warn(`${key}: cannot record the reading taken on demand: ${error.message}`))
      .finally(() => this.onDemand.delete(key));
    this.onDemand.set(key, done);
    return done;
  }

  private countsOnDemand(key: string, probe: ScheduledProbe, passed: boolean, readAt: number): boolean {
    const streakStartedAt = this.streakStartedAt.get(key);
    return onDemandReadingCounts({
      passed,
      state: this.hysteresis.state(key),
      failuresToFail: this.failuresToFail,
      streakStartedAt: streakStartedAt === undefined ? null : Date.parse(streakStartedAt),
      intervalMs: probe.intervalMs,
      readAt,
    });
  }

  private upstreamProbesOf(target: string): UpstreamProbe[] {
    return (this.probeKeysOf.get(target) ?? []).map((key) => ({ key, failing: this.hysteresis.status(key) === 'failing', lastReadAt: this.lastReadAt.get(key) ?? null, readingOnDemand: this.onDemand.has(key) }));
  }
}

function keyOf(probe: ScheduledProbe): string {
  return `${targetKey(probe.target)}#${probe.check}`;
}
