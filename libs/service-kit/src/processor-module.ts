import { Inject, type OnApplicationBootstrap, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import type { ServiceName } from '@jarvis/contracts';
import type { NatsConnection } from '@nats-io/transport-node';
import type { JarvisConfig } from '@jarvis/config';
import { JetStreamSnapshotStore, type EventLog, type EventProcessor } from '@jarvis/event-log';
import { ServiceHealth } from './health.js';
import { ProcessorHost } from './processor-host.js';
import { CLOCK, EVENT_LOG, JARVIS_CONFIG, NATS_CONNECTION, type Clock } from './tokens.js';

/** Module-scoped tokens: each service module resolves its own host and health. */
export const PROCESSOR_HOST = Symbol('PROCESSOR_HOST');
export const SERVICE_HEALTH = Symbol('SERVICE_HEALTH');

type ProcessorFactory = { inject: (string | symbol)[]; useFactory: (...deps: never[]) => EventProcessor<unknown> };

/** The providers every event-processing service needs: its processor host and its health record. */
export function processorProviders(service: ServiceName, processor: ProcessorFactory): Provider[] {
  return [
    { provide: SERVICE_HEALTH, inject: [CLOCK], useFactory: (clock: Clock) => new ServiceHealth(service, clock()) },
    {
      provide: PROCESSOR_HOST,
      inject: [EVENT_LOG, NATS_CONNECTION, JARVIS_CONFIG, SERVICE_HEALTH, CLOCK, ...processor.inject],
      useFactory: async (log: EventLog, nats: NatsConnection, config: JarvisConfig, health: ServiceHealth, clock: Clock, ...deps: never[]) =>
        new ProcessorHost({
          service,
          log,
          processor: processor.useFactory(...deps),
          clock,
          health,
          snapshots: await JetStreamSnapshotStore.open(nats),
          events: config.events,
        }),
    },
  ];
}

/** Base for service modules: rebuild and consume while the application runs. */
export abstract class ProcessorServiceModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(@Inject(PROCESSOR_HOST) protected readonly host: ProcessorHost<unknown>) {}

  onApplicationBootstrap(): Promise<void> {
    return this.host.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.host.stop();
  }
}
