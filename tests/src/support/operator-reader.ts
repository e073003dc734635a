import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { decodeEvent, EVENT_STREAM_NAME, type EventType, type JarvisEvent } from '@jarvis/contracts';
import { waitFor } from './processes.js';

/**
 * Reads the event store as the read-only operator identity can, like `nats stream get`: message by message by
 * sequence, with no consumer (creating one is a write it is refused).
 */
export class OperatorReader {
  private constructor(private readonly jsm: JetStreamManager) {}

  static async open(nc: NatsConnection): Promise<OperatorReader> {
    return new OperatorReader(await jetstreamManager(nc));
  }

  async events(filter: (e: JarvisEvent) => boolean = () => true): Promise<JarvisEvent[]> {
    const { state } = await this.jsm.streams.info(EVENT_STREAM_NAME);
    const events: JarvisEvent[] = [];
    for (let seq = state.first_seq; seq <= state.last_seq && state.messages > 0; seq++) {
      const stored = await this.jsm.streams.getMessage(EVENT_STREAM_NAME, { seq });
      const decoded = stored ? decodeEvent(stored.data) : undefined;
      if (decoded?.ok && filter(decoded.value)) events.push(decoded.value);
    }
    return events;
  }

  async waitForEvent<T extends EventType>(type: T, match: (e: Extract<JarvisEvent, { type: T }>) => boolean, timeoutMs = 60_000): Promise<Extract<JarvisEvent, { type: T }>> {
    return waitFor(`a ${type} event`, async () => {
      const found = await this.events((e) => e.type === type && match(e as Extract<JarvisEvent, { type: T }>));
      return found[0] as Extract<JarvisEvent, { type: T }> | undefined;
    }, timeoutMs, 250);
  }
}
