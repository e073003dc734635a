import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import type { JarvisConfig } from '@jarvis/config';
import type { EventLog } from '@jarvis/event-log';
import { CLOCK, EVENT_LOG, EVENT_STORE_KIND, JARVIS_CONFIG, NATS_CONNECTION, PROCESS_METRICS, RUNTIME_ENV, type Clock, type EventStoreKind, type ReliabilityExport, type RuntimeEnv } from './tokens.js';

export type KitOptions = { nats: NatsConnection; log: EventLog; config: JarvisConfig; env: RuntimeEnv; clock?: Clock; metrics?: ReliabilityExport | null; eventStore?: EventStoreKind };

/** Shares one NATS connection, the event log and the config with every service module in the process. */
@Global()
@Module({})
export class KitModule {
  static forRoot(options: KitOptions): DynamicModule {
    const providers = [
      { provide: NATS_CONNECTION, useValue: options.nats },
      { provide: EVENT_LOG, useValue: options.log },
      { provide: JARVIS_CONFIG, useValue: options.config },
      { provide: RUNTIME_ENV, useValue: options.env },
      { provide: CLOCK, useValue: options.clock ?? (() => new Date()) },
      { provide: PROCESS_METRICS, useValue: options.metrics ?? null },
      { provide: EVENT_STORE_KIND, useValue: options.eventStore ?? 'jetstream' },
    ];
    return { module: KitModule, providers, exports: providers.map((p) => p.provide) };
  }
}
