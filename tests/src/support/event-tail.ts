import { setTimeout as sleep } from 'node:timers/promises';
import type { JarvisEvent } from '@jarvis/contracts';
import type { EventReader } from './event-reader.js';

const POLL_MS = 250;

/**
 * Follows the event store from its first event, handing each stored event to `onEvent` once, in order, and riding
 * out a nats-server that is down (a failed read is tried again from the same position).
 */
export class EventTail {
  private next = 1;
  private running = true;
  private readonly loop: Promise<void>;
  /** Failed reads so far (nats-server down or restarting). */
  failedReads = 0;

  constructor(
    private readonly reader: EventReader,
    private readonly onEvent: (event: JarvisEvent) => void,
  ) {
    this.loop = this.follow();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  private async follow(): Promise<void> {
    while (this.running) {
      try {
        for await (const stored of this.reader.log.readFrom(this.next)) {
          this.next = stored.seq + 1;
          this.onEvent(stored.event);
        }
      } catch {
        this.failedReads += 1;
      }
      await sleep(POLL_MS);
    }
  }
}
