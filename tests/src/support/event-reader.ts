import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { JarvisEvent, EventType } from '@jarvis/contracts';
import { JetStreamEventLog, type StoredEvent } from '@jarvis/event-log';
import { waitFor } from './processes.js';

/** Reads the event store the way an auditor would: the whole stream, in order. */
export class EventReader {
  private constructor(
    readonly nc: NatsConnection,
    readonly log: JetStreamEventLog,
  ) {}

  static async open(url: string): Promise<EventReader> {
    const nc = await connect({ servers: [url] });
    return new EventReader(nc, await JetStreamEventLog.open(nc));
  }

  async all(): Promise<StoredEvent[]> {
    const events: StoredEvent[] = [];
    for await (const stored of this.log.readFrom(1)) events.push(stored);
    return events;
  }

  async events(filter: (e: JarvisEvent) => boolean = () => true): Promise<JarvisEvent[]> {
    return (await this.all()).map((s) => s.event).filter(filter);
  }

  async waitForEvent<T extends EventType>(type: T, match: (e: Extract<JarvisEvent, { type: T }>) => boolean, timeoutMs = 30_000): Promise<Extract<JarvisEvent, { type: T }>> {
    return waitFor(`a ${type} event`, async () => {
      const found = await this.events((e) => e.type === type && match(e as Extract<JarvisEvent, { type: T }>));
      return found[0] as Extract<JarvisEvent, { type: T }> | undefined;
    }, timeoutMs, 200);
  }

  async close(): Promise<void> {
    await this.nc.close();
  }
}

export function ofIncident(events: JarvisEvent[], incidentId: string): JarvisEvent[] {
  return events.filter((e) => e.correlationId === incidentId);
}

export function typesOf(events: JarvisEvent[]): string[] {
  return events.map((e) => e.type);
}

/** A readable timeline, for assertion messages. */
export function timeline(events: JarvisEvent[]): string {
  return events.map((e) => `${e.time} ${e.source} ${e.type} ${JSON.stringify(e.data)}`).join('\n');
}
