import { Logger } from '@nestjs/common';
import { dueRuns } from '@jarvis/schedule';
import type { ProcessorHost } from '@jarvis/service-kit';
import { caseEvents } from './case-events.js';
import type { PlannedSchedule } from './maintenance-schedules.js';
import type { MonitorState } from './monitor-state.js';

/** Cron's finest grain is a minute; looking every few seconds starts a run within seconds of its slot. */
const LOOK_EVERY_MS = 5_000;

/**
 * Starts each scheduled maintenance run once its slot comes: one MaintenanceStarted per schedule and slot (its id
 * derives from both, so a crash between looking and recording never runs a slot twice); a slot missed while Jarvis
 * was down runs once at start. A schedule Jarvis never ran before waits for its next slot.
 */
export class MaintenancePlanner {
  private readonly logger = new Logger('monitor');
  private timer: NodeJS.Timeout | undefined;
  private planning: Promise<void> = Promise.resolve();
  private startedAt = new Date(0);

  constructor(
    private readonly schedules: readonly PlannedSchedule[],
    private readonly host: ProcessorHost<MonitorState>,
    private readonly clock: () => Date,
  ) {}

  start(): void {
    if (this.schedules.length === 0) return;
    this.startedAt = this.clock();
    this.timer = setInterval(() => (this.planning = this.planning.then(() => this.startDueRuns())), LOOK_EVERY_MS);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.planning;
  }

  private async startDueRuns(): Promise<void> {
    const now = this.clock();
    const ranAt = this.host.state().lastRunAt;
    const lastRunAt = new Map(this.schedules.map((s) => [s.id, new Date(ranAt.get(s.id) ?? this.startedAt.getTime())]));
    for (const run of dueRuns(this.schedules, lastRunAt, now)) {
      const schedule = this.schedules.find((s) => s.id === run.scheduleId)!;
      try {
        await this.host.record(caseEvents.maintenanceStarted({ ...schedule, schedule: schedule.id, slotAt: run.slotAt, runKey: run.runKey }, now));
      } catch (error) {
        this.logger.warn(`maintenance ${schedule.id}: cannot record its start yet (${(error as Error).message}); trying again`);
      }
    }
  }
}
