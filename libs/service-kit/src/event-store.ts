import type { NatsConnection } from '@nats-io/transport-node';
import { EVENT_STORES, KURRENTDB_URL_PATTERN, type EventsConfig, type EventStore } from '@jarvis/config';
import { assertNever, EVENT_STREAM_NAME, type ServiceName } from '@jarvis/contracts';
import { JetStreamEventLog, type EventLog } from '@jarvis/event-log';
import { redactUrl } from './redact.js';
import { StartupError } from './startup-error.js';

/** JARVIS_EVENT_STORE and JARVIS_KURRENTDB_URL as given (undefined when unset or empty). */
export type EventStoreEnv = { store: string | undefined; kurrentdbUrl: string | undefined };

export type EventStoreChoice = { kind: 'jetstream' } | { kind: 'kurrentdb'; url: string };

/** An open event log, what the start-up log should say about it, and how to let go of it. */
export type OpenEventStore = { log: EventLog; notes: string[]; close(): Promise<void> };

/** KurrentDB answers the first call within this, or `jarvis start` stops saying so. */
const KURRENTDB_OPEN_TIMEOUT_MS = 15_000;

export function eventStoreEnvFrom(env: NodeJS.ProcessEnv): EventStoreEnv {
  return { store: env['JARVIS_EVENT_STORE'] || undefined, kurrentdbUrl: env['JARVIS_KURRENTDB_URL'] || undefined };
}

/** The environment wins over the config, for the store and for the URL alike; KurrentDB without a URL is refused. */
export function eventStoreChoice(events: Pick<EventsConfig, 'store' | 'kurrentdbUrl'>, env: EventStoreEnv): EventStoreChoice {
  const store = env.store ?? events.store;
  if (!isEventStore(store)) throw new StartupError(`JARVIS_EVENT_STORE: "${store}" is not an event store (known: ${EVENT_STORES.join(', ')})`);
  switch (store) {
    case 'jetstream':
      return { kind: 'jetstream' };
    case 'kurrentdb':
      return { kind: 'kurrentdb', url: kurrentDbUrl(events.kurrentdbUrl, env.kurrentdbUrl) };
    default:
      return assertNever(store);
  }
}

function kurrentDbUrl(configured: string, fromEnv: string | undefined): string {
  const url = fromEnv ?? configured;
  if (url === '') throw new StartupError('events.store is kurrentdb but no KurrentDB is named: set JARVIS_KURRENTDB_URL (or events.kurrentdbUrl), e.g. kurrentdb://127.0.0.1:2113?tls=false');
  if (!KURRENTDB_URL_PATTERN.test(url)) throw new StartupError(`JARVIS_KURRENTDB_URL: "${redactUrl(url)}" is not a KurrentDB connection string (kurrentdb://, kurrentdb+discover://, esdb:// or esdb+discover://)`);
  return url;
}

function isEventStore(value: string): value is EventStore {
  return (EVENT_STORES as readonly string[]).includes(value);
}

/**
 * What does not move to KurrentDB, said at start: NATS still carries every request and keeps the locks and the
 * snapshots, and everything that reads the JetStream stream itself (the audit chain, the `jarvis audit` commands,
 * retention, consumer lag) does not see events stored elsewhere.
 */
export function kurrentDbLimitations(targets: readonly ServiceName[], events: Pick<EventsConfig, 'retention'>): string[] {
  const notes = [
    'NATS still carries the requests between services and keeps the single-instance locks and the snapshots (JetStream key-value buckets): the NATS server still needs JetStream',
    `the jarvis audit commands (tail, replay, verify, export) read the JetStream stream ${EVENT_STREAM_NAME} and do not see these events`,
    '/metrics: jarvis_event_store_up tells whether KurrentDB answers; consumer lag (jarvis_consumer_pending_messages, jarvis_consumer_ack_pending_messages) is not exported',
  ];
  if (targets.includes('audit')) notes.push(`audit chain off: its hash chain and checkpoints cover the JetStream stream ${EVENT_STREAM_NAME} only`);
  if (events.retention.maxAgeDays > 0 || events.retention.maxBytes > 0) notes.push("events.retention is not applied: set a max age or count in the KurrentDB stream's metadata instead");
  return notes;
}

export async function openEventStore(choice: EventStoreChoice, nats: NatsConnection, targets: readonly ServiceName[], events: EventsConfig): Promise<OpenEventStore> {
  switch (choice.kind) {
    case 'jetstream': {
      const log = await JetStreamEventLog.open(nats, { retention: events.retention });
      return { log, notes: log.hardeningGaps, close: async () => undefined };
    }
    case 'kurrentdb':
      return openKurrentDb(choice.url, targets, events);
    default:
      return assertNever(choice);
  }
}

async function openKurrentDb(url: string, targets: readonly ServiceName[], events: EventsConfig): Promise<OpenEventStore> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${KURRENTDB_OPEN_TIMEOUT_MS / 1000} s`)), KURRENTDB_OPEN_TIMEOUT_MS)));
  // Loaded only when chosen: its client brings a native module (and librt) that a JetStream-only install may lack.
  const { connectKurrentDbEventLog, DEFAULT_KURRENTDB_STREAM } = await import('@jarvis/kurrentdb-event-log');
  const opening = connectKurrentDbEventLog(url);
  try {
    const connection = await Promise.race([opening, late]);
    const where = `events in KurrentDB at ${redactUrl(url)}, stream ${DEFAULT_KURRENTDB_STREAM}`;
    return { log: connection.log, notes: [where, ...kurrentDbLimitations(targets, events)], close: connection.close };
  } catch (error) {
    void opening.then((connection) => connection.close()).catch(() => undefined);
    throw new StartupError(`JARVIS_KURRENTDB_URL: cannot open the event log at ${redactUrl(url)} (${(error as Error).message})`);
  } finally {
    clearTimeout(timer);
  }
}
