import type { CronSchedule } from './cron-schedule.js';

export interface NamedSchedule {
  /** Stable id from jarvis.yaml; it has no `@`, so the run key below splits unambiguously. */
  readonly id: string;
  readonly schedule: CronSchedule;
}

export interface DueRun {
  readonly scheduleId: string;
  /** The slot this run stands for: the latest one at or before `now`. */
  readonly slotAt: Date;
  /** Derived from the schedule id and the slot, so a slot that already ran is recognised and never runs twice. */
  readonly runKey: string;
  /** True when earlier slots passed unrun (Jarvis was down or busy); they are folded into this one run. */
  readonly missedEarlierSlots: boolean;
}

/** The identity of one run of a schedule: the maintenance case id is derived from it. */
export function scheduleRunKey(scheduleId: string, slotAt: Date): string {
  return `${scheduleId}@${slotAt.toISOString()}`;
}

/**
 * Which runs are due at `now`. A schedule is due when its latest slot at or before `now` is later than the slot it
 * last ran for, so any number of slots missed while Jarvis was down give one run, for the latest slot.
 *
 * `lastRunAt` holds, per schedule id, the slot of its last run. A schedule absent from it has never been seen: it is
 * not due, and the caller records `now` for it, so a schedule added at 14:00 with a daily 03:00 slot first runs the
 * next night rather than at once.
 */
export function dueRuns(schedules: readonly NamedSchedule[], lastRunAt: ReadonlyMap<string, Date>, now: Date): DueRun[] {
  return schedules
    .flatMap((named) => dueRun(named, lastRunAt.get(named.id), now))
    .sort((a, b) => a.slotAt.getTime() - b.slotAt.getTime() || (a.scheduleId < b.scheduleId ? -1 : a.scheduleId > b.scheduleId ? 1 : 0));
}

/** When the earliest of these schedules next fires after `now`, for arming a single timer; null when none will. */
export function nextSlotAfter(schedules: readonly NamedSchedule[], now: Date): Date | null {
  let earliest: Date | null = null;
  for (const { schedule } of schedules) {
    const next = schedule.nextAfter(now);
    if (next !== null && (earliest === null || next < earliest)) earliest = next;
  }
  return earliest;
}

function dueRun(named: NamedSchedule, lastRun: Date | undefined, now: Date): DueRun[] {
  if (lastRun === undefined) return [];
  const slotAt = named.schedule.latestAtOrBefore(now);
  if (slotAt === null || slotAt <= lastRun) return [];
  const firstUnrun = named.schedule.nextAfter(lastRun);
  return [
    {
      scheduleId: named.id,
      slotAt,
      runKey: scheduleRunKey(named.id, slotAt),
      missedEarlierSlots: firstUnrun !== null && firstUnrun < slotAt,
    },
  ];
}
