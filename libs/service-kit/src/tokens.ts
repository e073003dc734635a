import type { ReliabilityReply } from '@jarvis/contracts';
import type { EventStoreChoice, EventStoreEnv } from './event-store.js';
import type { LogFormat } from './log-format.js';
import type { NatsClientOptions } from './nats-credentials.js';

/** Injection tokens shared by every service module. */
export const NATS_CONNECTION = Symbol('NATS_CONNECTION');
export const EVENT_LOG = Symbol('EVENT_LOG');
export const JARVIS_CONFIG = Symbol('JARVIS_CONFIG');
export const RUNTIME_ENV = Symbol('RUNTIME_ENV');
export const CLOCK = Symbol('CLOCK');
/** Where a service exports figures of its own at /metrics: null when this process serves no metrics. */
export const PROCESS_METRICS = Symbol('PROCESS_METRICS');

/** What the audit service needs of the process's metrics (JarvisMetrics). */
/** Which event store this process runs on (EventStoreChoice's kind): what reads JetStream itself checks it. */
export const EVENT_STORE_KIND = Symbol('EVENT_STORE_KIND');
export type EventStoreKind = EventStoreChoice['kind'];

export type ReliabilityExport = { observeReliability(read: () => ReliabilityReply): void };

export type Clock = () => Date;

export type RuntimeEnv = {
  natsUrl: string;
  /** Server, identity, TLS and inbox prefix for every NATS connection the process opens. */
  nats: NatsClientOptions;
  dockerHost: string | undefined;
  httpPort: number;
  /** JARVIS_METRICS_PORT, or -1 when unset (then the config decides). */
  metricsPort: number;
  configFile: string | null;
  /** Absolute path of Jarvis's own files (the API token); `JARVIS_DATA_DIR`, default `./data`. */
  dataDir: string;
  logFormat: LogFormat;
  /** JARVIS_EVENT_STORE and JARVIS_KURRENTDB_URL: they take precedence over `events.store` and `events.kurrentdbUrl`. */
  eventStore: EventStoreEnv;
  targets: readonly string[];
};
