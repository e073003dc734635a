import { Logger } from '@nestjs/common';
import { EventProcessorRunner, type EventLog, type EventProcessor, type HealthReporter, type SnapshotStore } from '@jarvis/event-log';
import type { EventsConfig } from '@jarvis/config';
import type { JarvisEvent, ServiceName } from '@jarvis/contracts';
import type { Context } from '@jarvis/telemetry';
import type { Clock } from './tokens.js';

export type ProcessorHostOptions<S> = {
  service: ServiceName;
  log: EventLog;
  processor: EventProcessor<S>;
  clock: Clock;
  health: HealthReporter;
  snapshots: SnapshotStore;
  events: EventsConfig;
};

/** Runs one event processor for a service module's lifetime: rebuild from snapshot and log, then consume. */
export class ProcessorHost<S> {
  private readonly runner: EventProcessorRunner<S>;

  constructor(options: ProcessorHostOptions<S>) {
    const logger = new Logger(options.processor.name);
    this.runner = new EventProcessorRunner(
      options.log,
      options.processor,
      { log: (m) => logger.log(m), warn: (m) => logger.warn(m), error: (m) => logger.error(m) },
      {
        service: options.service,
        clock: options.clock,
        health: options.health,
        snapshots: options.snapshots,
        snapshotEveryEvents: options.events.snapshotEveryEvents,
        maxDeliveries: options.events.maxDeliveries,
      },
    );
  }

  start(): Promise<void> {
    return this.runner.start();
  }

  stop(): Promise<void> {
    return this.runner.stop();
  }

  record(event: JarvisEvent, parent?: Context): Promise<void> {
    return this.runner.record(event, parent);
  }

  /** Appends facts observed together, in this order, with one round trip to the store (EventProcessorRunner.recordInOrder). */
  recordInOrder(events: readonly JarvisEvent[], parent?: Context): Promise<void> {
    return this.runner.recordInOrder(events, parent);
  }

  state(): S {
    return this.runner.currentState();
  }
}
