import type { SchedulerTimers } from './probe.js';

interface PendingTimer {
  readonly at: number;
  readonly order: number;
  readonly callback: () => void;
}

/** Far more timer firings than any test needs; reaching it means a timer keeps re-arming itself at zero delay. */
const MAX_FIRINGS_PER_ADVANCE = 100_000;

/**
 * Time that moves only when told to, for tests of anything driven through SchedulerTimers. Timers fire in due-time
 * order (ties in the order they were set), and promise callbacks queued by one firing run before the next firing.
 */
export class ManualClock implements SchedulerTimers {
  private time: number;
  private nextOrder = 0;
  private readonly timers = new Map<number, PendingTimer>();

  constructor(startAt = 0) {
    this.time = startAt;
  }

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): number {
    const handle = ++this.nextOrder;
    this.timers.set(handle, { at: this.time + Math.max(0, ms), order: handle, callback });
    return handle;
  }

  clearTimeout(handle: unknown): void {
    if (typeof handle === 'number') this.timers.delete(handle);
  }

  pendingTimers(): number {
    return this.timers.size;
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way. */
  async advance(ms: number): Promise<void> {
    const until = this.time + ms;
    await settle();
    for (let firings = 0; ; firings++) {
      if (firings >= MAX_FIRINGS_PER_ADVANCE) throw new Error(`ManualClock: more than ${MAX_FIRINGS_PER_ADVANCE} timers fired in one advance`);
      const [handle, timer] = this.earliestDueBy(until) ?? [];
      if (handle === undefined || timer === undefined) break;
      this.timers.delete(handle);
      this.time = timer.at;
      timer.callback();
      await settle();
    }
    this.time = until;
    await settle();
  }

  private earliestDueBy(until: number): [number, PendingTimer] | undefined {
    let earliest: [number, PendingTimer] | undefined;
    for (const entry of this.timers) {
      const [, timer] = entry;
      if (timer.at > until) continue;
      if (earliest === undefined || timer.at < earliest[1].at || (timer.at === earliest[1].at && timer.order < earliest[1].order)) {
        earliest = entry;
      }
    }
    return earliest;
  }
}

/** Lets every queued promise callback run: the event loop drains microtasks before it reaches setImmediate. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
