import { Logger } from '@nestjs/common';
import { EventProcessorRunner, type EventLog, type EventProcessor } from '@jarvis/event-log';
import type { JarvisEvent } from '@jarvis/contracts';
import type { Context } from '@jarvis/telemetry';
import type { Clock } from './tokens.js';

/** Runs one event processor for a service module's lifetime: rebuild from the log, then consume. */
export class ProcessorHost<S> {
  private readonly runner: EventProcessorRunner<S>;

  constructor(log: EventLog, processor: EventProcessor<S>, clock: Clock) {
    const logger = new Logger(processor.name);
    this.runner = new EventProcessorRunner(log, processor, { log: (m) => logger.log(m), warn: (m) => logger.warn(m), error: (m) => logger.error(m) }, clock);
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

  state(): S {
    return this.runner.currentState();
  }
}
