import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { EventLog } from '@jarvis/event-log';

export type ConsumerLag = { durable: string; pending: number; ackPending: number };

/** What a scrape asks the event store: is it answering, and how far behind is each of this process's consumers. */
export type StoreProbe = { look(durables: readonly string[]): Promise<{ up: boolean; lags: ConsumerLag[] }> };

/** A scrape must answer even when NATS does not: a look that takes longer counts as the store being down. */
const LOOK_TIMEOUT_MS = 2_000;

/** A store other than JetStream (KurrentDB): up when the log tells its position in time; no consumer lag is known. */
export class EventLogStoreProbe implements StoreProbe {
  constructor(private readonly log: Pick<EventLog, 'position'>) {}

  async look(): Promise<{ up: boolean; lags: ConsumerLag[] }> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), LOOK_TIMEOUT_MS)));
    try {
      const up = await Promise.race([this.log.position().then(() => true, () => false), timeout]);
      return { up, lags: [] };
    } finally {
      clearTimeout(timer);
    }
  }
}

export class JetStreamStoreProbe implements StoreProbe {
  private manager: Promise<JetStreamManager> | undefined;

  constructor(
    private readonly nats: NatsConnection,
    private readonly stream: string,
  ) {}

  async look(durables: readonly string[]): Promise<{ up: boolean; lags: ConsumerLag[] }> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<{ up: boolean; lags: ConsumerLag[] }>((resolve) => (timer = setTimeout(() => resolve({ up: false, lags: [] }), LOOK_TIMEOUT_MS)));
    try {
      return await Promise.race([this.lookNow(durables), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async lookNow(durables: readonly string[]): Promise<{ up: boolean; lags: ConsumerLag[] }> {
    try {
      this.manager ??= jetstreamManager(this.nats);
      const jsm = await this.manager;
      await jsm.streams.info(this.stream);
      const infos = await Promise.all(durables.map((durable) => jsm.consumers.info(this.stream, durable).then((info) => ({ durable, pending: info.num_pending, ackPending: info.num_ack_pending }))));
      return { up: true, lags: infos };
    } catch {
      this.manager = undefined;
      return { up: false, lags: [] };
    }
  }
}
