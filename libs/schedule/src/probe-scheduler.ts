import { type Probe, type ProbeOutcome, type ProbeRun, type SchedulerTimers } from './probe.js';
import { errorText, failure } from './probe-failure.js';
import { assertProbe, assertSchedulerOptions } from './probe-validation.js';

export interface ProbeSchedulerOptions<R> {
  /** Probes running at once; a probe that falls due beyond this waits in a first-in first-out queue. */
  readonly concurrency: number;
  /** Each run starts up to this fraction of its interval after its slot (0 to 1), so probes added together spread out. */
  readonly jitterFraction: number;
  /** Uniform in [0, 1), like Math.random; injected so tests choose the jitter. */
  readonly random: () => number;
  readonly timers: SchedulerTimers;
  /** Called once per finished run; what it throws or rejects is counted in stats, never propagated. */
  readonly onResult: (run: ProbeRun<R>) => void;
  /** How long stop() waits for aborted probes to settle before it resolves anyway; 1000 ms when absent. */
  readonly stopGraceMs?: number;
}

export interface ProbeSchedulerStats {
  readonly probes: number;
  readonly running: number;
  readonly queued: number;
  readonly started: number;
  readonly completed: number;
  /** Runs that ended in a `probe error` result: thrown, timed out, or still running from an earlier slot. */
  readonly probeErrors: number;
  readonly timeouts: number;
  /** Slots passed over because a run (with its queueing) outlasted its interval: counted, never run late in a burst. */
  readonly skippedSlots: number;
  readonly resultHandlerErrors: number;
  /** Scheduling lag, startedAt - scheduledAt, over every started run. */
  readonly lag: { readonly runs: number; readonly meanMs: number; readonly maxMs: number; readonly lastMs: number };
}

export interface StopReport {
  /** Probes that ignored their abort and had still not settled when the grace period ended. */
  readonly unsettled: string[];
}

interface Entry<R> {
  readonly probe: Probe<R>;
  /** The interval slot the next (or current) run stands for, before jitter. */
  slotAt: number;
  scheduledAt: number;
  timer: unknown;
  queued: boolean;
  active: ActiveRun<R> | null;
}

interface ActiveRun<R> {
  readonly entry: Entry<R>;
  readonly controller: AbortController;
  readonly startedAt: number;
  readonly deadline: unknown;
  done: boolean;
}

/** A probe's own promise, kept until it settles even after a timeout, so the probe never runs twice at once. */
interface Unsettled {
  readonly startedAt: number;
  readonly promise: Promise<void>;
}

const DEFAULT_STOP_GRACE_MS = 1000;

/** Runs registered probes, each on its own interval with jitter, under a concurrency cap and a per-run timeout. */
export class ProbeScheduler<R> {
  private readonly entries = new Map<string, Entry<R>>();
  private readonly queue: Entry<R>[] = [];
  private readonly unsettled = new Map<string, Unsettled>();
  private readonly timers: SchedulerTimers;
  private readonly stopGraceMs: number;
  private running = 0;
  private active = false;
  private readonly counts = { started: 0, completed: 0, probeErrors: 0, timeouts: 0, skippedSlots: 0, resultHandlerErrors: 0 };
  private readonly lag = { runs: 0, totalMs: 0, maxMs: 0, lastMs: 0 };

  constructor(private readonly options: ProbeSchedulerOptions<R>) {
    assertSchedulerOptions(options);
    this.timers = options.timers;
    this.stopGraceMs = options.stopGraceMs ?? DEFAULT_STOP_GRACE_MS;
  }

  /** Each registered probe's first slot is now (plus jitter). Starting twice changes nothing. */
  start(): void {
    if (this.active) return;
    this.active = true;
    for (const entry of this.entries.values()) this.armFirst(entry);
  }

  /** Registers a probe (and schedules it at once when running). Throws naming the field on a bad definition. */
  add(probe: Probe<R>): void {
    assertProbe(probe);
    if (this.entries.has(probe.key)) throw new Error(`probe ${JSON.stringify(probe.key)}: already scheduled (remove it first)`);
    const entry: Entry<R> = { probe, slotAt: 0, scheduledAt: 0, timer: null, queued: false, active: null };
    this.entries.set(probe.key, entry);
    if (this.active) this.armFirst(entry);
  }

  /** Unregisters a probe; a run in flight is aborted and reports nothing. False when the key is unknown. */
  remove(key: string): boolean {
    const entry = this.entries.get(key);
    if (entry === undefined) return false;
    this.entries.delete(key);
    this.disarm(entry);
    if (entry.active !== null) {
      this.abandon(entry.active, 'removed');
      this.pump();
    }
    return true;
  }

  /**
   * Cancels every timer, empties the queue, aborts runs in flight (they report nothing) and waits up to the grace
   * period for them to settle. Bounded: it resolves even if a probe ignores its signal, and leaves no timer behind.
   */
  async stop(): Promise<StopReport> {
    this.active = false;
    for (const entry of this.entries.values()) {
      this.disarm(entry);
      if (entry.active !== null) this.abandon(entry.active, 'stopped');
    }
    const pending = [...this.unsettled.values()].map((u) => u.promise);
    if (pending.length > 0) await this.settledWithin(pending, this.stopGraceMs);
    return { unsettled: [...this.unsettled.keys()].sort() };
  }

  stats(): ProbeSchedulerStats {
    const { runs, totalMs, maxMs, lastMs } = this.lag;
    return {
      probes: this.entries.size,
      running: this.running,
      queued: this.queue.length,
      ...this.counts,
      lag: { runs, meanMs: runs === 0 ? 0 : totalMs / runs, maxMs, lastMs },
    };
  }

  private armFirst(entry: Entry<R>): void {
    entry.slotAt = this.timers.now();
    this.arm(entry);
  }

  private arm(entry: Entry<R>): void {
    entry.scheduledAt = entry.slotAt + this.jitter(entry.probe.intervalMs);
    entry.timer = this.timers.setTimeout(() => this.due(entry), Math.max(0, entry.scheduledAt - this.timers.now()));
  }

  /** The next slot is the first one at or after `after`; any passed over on the way are counted, not run in a burst. */
  private armNext(entry: Entry<R>, after: number): void {
    const interval = entry.probe.intervalMs;
    const slots = Math.max(1, Math.ceil((after - entry.slotAt) / interval));
    this.counts.skippedSlots += slots - 1;
    entry.slotAt += slots * interval;
    this.arm(entry);
  }

  private disarm(entry: Entry<R>): void {
    if (entry.timer !== null) this.timers.clearTimeout(entry.timer);
    entry.timer = null;
    if (entry.queued) this.queue.splice(this.queue.indexOf(entry), 1);
    entry.queued = false;
  }

  private jitter(intervalMs: number): number {
    const random = this.options.random();
    const unit = Number.isFinite(random) ? Math.min(Math.max(random, 0), 1) : 0;
    return Math.floor(unit * this.options.jitterFraction * intervalMs);
  }

  private due(entry: Entry<R>): void {
    entry.timer = null;
    if (!this.active || this.entries.get(entry.probe.key) !== entry) return;
    // Node's timers run on a monotonic clock and may fire a millisecond before the wall clock says the slot came.
    const early = entry.scheduledAt - this.timers.now();
    if (early > 0) {
      entry.timer = this.timers.setTimeout(() => this.due(entry), early);
      return;
    }
    if (this.running < this.options.concurrency) {
      this.launch(entry);
    } else {
      entry.queued = true;
      this.queue.push(entry);
    }
  }

  private pump(): void {
    while (this.active && this.running < this.options.concurrency && this.queue.length > 0) {
      const entry = this.queue.shift() as Entry<R>;
      entry.queued = false;
      this.launch(entry);
    }
  }

  private launch(entry: Entry<R>): void {
    const startedAt = this.timers.now();
    this.recordLag(startedAt - entry.scheduledAt);
    const { key, timeoutMs } = entry.probe;
    const previous = this.unsettled.get(key);
    if (previous !== undefined) {
      this.report(entry, startedAt, failure(`still running ${startedAt - previous.startedAt} ms after it started (timeout ${timeoutMs} ms)`));
      this.armNext(entry, startedAt);
      return;
    }
    this.running++;
    this.counts.started++;
    const controller = new AbortController();
    const deadline = this.timers.setTimeout(() => this.timeOut(run), timeoutMs);
    const run: ActiveRun<R> = { entry, controller, startedAt, deadline, done: false };
    entry.active = run;
    this.track(key, startedAt, this.invoke(entry.probe, controller.signal).then(
      (value) => this.finish(run, { ok: true, value }),
      (error: unknown) => this.finish(run, failure(errorText(error))),
    ));
  }

  private invoke(probe: Probe<R>, signal: AbortSignal): Promise<R> {
    try {
      return Promise.resolve(probe.run(signal));
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private track(key: string, startedAt: number, promise: Promise<void>): void {
    const marker: Unsettled = { startedAt, promise };
    this.unsettled.set(key, marker);
    void promise.finally(() => {
      if (this.unsettled.get(key) === marker) this.unsettled.delete(key);
    });
  }

  private timeOut(run: ActiveRun<R>): void {
    if (run.done) return;
    this.counts.timeouts++;
    run.controller.abort(new Error(`timed out after ${run.entry.probe.timeoutMs} ms`));
    this.finish(run, failure(`timed out after ${run.entry.probe.timeoutMs} ms`));
  }

  private finish(run: ActiveRun<R>, outcome: ProbeOutcome<R>): void {
    if (run.done) return;
    this.release(run);
    const { entry } = run;
    this.report(entry, run.startedAt, outcome);
    if (this.active && this.entries.get(entry.probe.key) === entry) this.armNext(entry, this.timers.now());
    this.pump();
  }

  /** Ends a run the scheduler itself cancelled (remove, stop): the probe did not fail, so nothing is reported. */
  private abandon(run: ActiveRun<R>, why: 'removed' | 'stopped'): void {
    if (run.done) return;
    this.release(run);
    run.controller.abort(new Error(`probe ${why}`));
  }

  private release(run: ActiveRun<R>): void {
    run.done = true;
    this.timers.clearTimeout(run.deadline);
    run.entry.active = null;
    this.running--;
  }

  private report(entry: Entry<R>, startedAt: number, outcome: ProbeOutcome<R>): void {
    if (outcome.ok) this.counts.completed++;
    else this.counts.probeErrors++;
    const run: ProbeRun<R> = { key: entry.probe.key, scheduledAt: entry.scheduledAt, startedAt, finishedAt: this.timers.now(), outcome };
    try {
      const returned: unknown = this.options.onResult(run);
      if (returned instanceof Promise) returned.catch(() => this.counts.resultHandlerErrors++);
    } catch {
      this.counts.resultHandlerErrors++;
    }
  }

  private recordLag(lagMs: number): void {
    this.lag.runs++;
    this.lag.totalMs += lagMs;
    this.lag.maxMs = Math.max(this.lag.maxMs, lagMs);
    this.lag.lastMs = lagMs;
  }

  private settledWithin(pending: Promise<void>[], graceMs: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = this.timers.setTimeout(resolve, graceMs);
      void Promise.allSettled(pending).then(() => {
        this.timers.clearTimeout(timer);
        resolve();
      });
    });
  }
}
