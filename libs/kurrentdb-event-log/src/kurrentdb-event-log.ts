import {
  BACKWARDS,
  DISPATCH_TO_SINGLE,
  END,
  FORWARDS,
  NO_STREAM,
  PersistentSubscriptionExistsError,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError,
  persistentSubscriptionToStreamSettingsFromDefaults,
  type GetStreamMetadataResult,
  type KurrentDBClient,
} from '@kurrent/kurrentdb-client';
import { validateEvent, type JarvisEvent } from '@jarvis/contracts';
import { EVENT_TYPE_HEADER, InvalidEventError, NotRightAfter, type AppendOptions, type AppendResult, type Delivery, type EventLog, type LogPosition, type StoredEvent, type Subscription } from '@jarvis/event-log';
import { injectContext, type Context } from '@jarvis/telemetry';
import { appendOutcome, fromRecorded, mapCarrier, revisionOfSeq, toEventData } from './event-mapping.js';
import { PersistentDeliveries } from './persistent-deliveries.js';

export const DEFAULT_KURRENTDB_STREAM = 'jarvis-events';

/** The stream metadata key holding when Jarvis first opened the stream: the `createdAt` of every position. */
const CREATED_AT_KEY = 'jarvisCreatedAt';

/**
 * A backstop only: the adapter's own ack-wait timer redelivers an unsettled delivery (and honours inProgress(), which
 * KurrentDB has no message for); a disconnected subscriber's deliveries are offered again by the server at once.
 */
const SERVER_MESSAGE_TIMEOUT_MS = 3_600_000;

/** As good as unlimited (the server takes an int32): parking after N tries would bury a newer-schema event. */
const SERVER_MAX_RETRY_COUNT = 2_147_483_647;

export type KurrentDbEventLogOptions = {
  /** The one stream every event goes to. Default `jarvis-events`. */
  stream?: string;
  /** How long a delivery may stay unsettled (without inProgress()) before it is offered again. Default 15 s. */
  ackWaitMs?: number;
  /** Deliveries of one durable in flight at once (the persistent subscription's buffer). Default 1000. */
  maxAckPending?: number;
  /** Reads the time written as the stream's creation time on first open. */
  clock?: () => Date;
};

/**
 * The EventLog port on KurrentDB: every event in one stream, so its revisions are the port's gapless, totally ordered
 * sequences (revision + 1); durables are persistent subscription groups on that stream.
 */
export class KurrentDbEventLog implements EventLog {
  private constructor(
    private readonly client: KurrentDBClient,
    private readonly stream: string,
    private readonly createdAt: string,
    private readonly ackWaitMs: number,
    private readonly maxAckPending: number,
  ) {}

  static async open(client: KurrentDBClient, options: KurrentDbEventLogOptions = {}): Promise<KurrentDbEventLog> {
    const stream = options.stream ?? DEFAULT_KURRENTDB_STREAM;
    const createdAt = await ensureCreatedAt(client, stream, (options.clock ?? (() => new Date()))());
    return new KurrentDbEventLog(client, stream, createdAt, options.ackWaitMs ?? 15_000, options.maxAckPending ?? 1000);
  }

  /**
   * Appended with stream state `any`: only then does KurrentDB look the event id up among recent writes and answer a
   * repeat with the original's revision (with an exact expected revision equal to the current one it would write
   * the repeat again). The revision read just before tells a repeat from a new write. An append `rightAfter` is always
   * refused: the stream's last event cannot be asked for in the append itself.
   */
  async append(event: JarvisEvent, parent?: Context, options: AppendOptions = {}): Promise<AppendResult> {
    const checked = validateEvent(event);
    if (!checked.ok) throw new InvalidEventError(event.type, checked.errors);
    if (options.rightAfter !== undefined) throw new NotRightAfter(event.type, event.id, options.rightAfter);
    const headers = new Map([[EVENT_TYPE_HEADER, event.type]]);
    injectContext(mapCarrier(headers), parent);
    const before = await this.lastRevision();
    const result = await this.client.appendToStream(this.stream, toEventData(event, headers));
    return appendOutcome(before, result.nextExpectedRevision);
  }

  async position(): Promise<LogPosition> {
    const last = await this.lastRevision();
    return { lastSeq: last === undefined ? 0 : Number(last) + 1, createdAt: this.createdAt };
  }

  async *readFrom(fromSeq: number): AsyncIterable<StoredEvent> {
    const last = await this.lastRevision();
    const from = revisionOfSeq(Math.max(1, fromSeq));
    if (last === undefined || from > last) return;
    const events = this.client.readStream(this.stream, { direction: FORWARDS, fromRevision: from, maxCount: last - from + 1n });
    for await (const resolved of events) {
      if (!resolved.event) continue;
      const decoded = fromRecorded(resolved.event);
      if (decoded.ok) yield decoded.stored;
    }
  }

  async subscribe(durable: string, onDelivery: (delivery: Delivery) => void): Promise<Subscription> {
    await this.ensureGroup(durable);
    const subscription = this.client.subscribeToPersistentSubscriptionToStream(this.stream, durable, { bufferSize: this.maxAckPending });
    return new PersistentDeliveries(subscription, this.ackWaitMs, onDelivery).start();
  }

  /**
   * Created once, never updated: an update reloads the group from its last checkpoint, offering settled events
   * again. Nothing to update anyway: the ack wait is the adapter's, not the group's.
   */
  private async ensureGroup(durable: string): Promise<void> {
    const settings = persistentSubscriptionToStreamSettingsFromDefaults({
      startFrom: START,
      messageTimeout: SERVER_MESSAGE_TIMEOUT_MS,
      maxRetryCount: SERVER_MAX_RETRY_COUNT,
      consumerStrategyName: DISPATCH_TO_SINGLE,
    });
    try {
      await this.client.createPersistentSubscriptionToStream(this.stream, durable, settings);
    } catch (error) {
      if (!(error instanceof PersistentSubscriptionExistsError)) throw error;
    }
  }

  private async lastRevision(): Promise<bigint | undefined> {
    try {
      for await (const resolved of this.client.readStream(this.stream, { direction: BACKWARDS, fromRevision: END, maxCount: 1 })) {
        return resolved.event?.revision;
      }
      return undefined;
    } catch (error) {
      if (error instanceof StreamNotFoundError) return undefined;
      throw error;
    }
  }
}

/**
 * The first opener adds the creation time to the stream's metadata, keeping what an operator set there (a max age);
 * every later one, or one that lost the race, reads it.
 */
async function ensureCreatedAt(client: KurrentDBClient, stream: string, now: Date): Promise<string> {
  const current = await client.getStreamMetadata(stream);
  const existing = createdAtIn(current);
  if (existing) return existing;
  try {
    await client.setStreamMetadata(stream, { ...current.metadata, [CREATED_AT_KEY]: now.toISOString() }, { expectedRevision: current.metastreamRevision ?? NO_STREAM });
    return now.toISOString();
  } catch (error) {
    if (!(error instanceof WrongExpectedVersionError)) throw error;
    const written = createdAtIn(await client.getStreamMetadata(stream));
    if (!written) throw new Error(`stream ${stream}: its metadata changed while Jarvis added ${CREATED_AT_KEY}; open it again`);
    return written;
  }
}

function createdAtIn({ metadata }: GetStreamMetadataResult): string | undefined {
  const value = metadata?.[CREATED_AT_KEY];
  return typeof value === 'string' ? value : undefined;
}
