import type { EventLog } from '@jarvis/event-log';

/**
 * Remembers the appends still waiting for the store's ack. At a forced stop these are what may be lost (the
 * action may have happened without its event); an unacknowledged delivery is not, JetStream redelivers it.
 */
export class AppendTracker {
  private readonly pending = new Map<number, string>();
  private next = 0;

  /** The same log, with every append counted until it settles; other members pass through untouched. */
  track(log: EventLog): EventLog {
    return new Proxy(log, {
      get: (target, property) => {
        const member = Reflect.get(target, property, target) as unknown;
        if (typeof member !== 'function') return member;
        if (property !== 'append') return member.bind(target);
        return (...args: Parameters<EventLog['append']>) => this.watch(args[0].type, args[0].id, target.append(...args));
      },
    });
  }

  /** One line per append still in flight, e.g. `ActionSucceeded 6f1c…`. */
  unacknowledged(): string[] {
    return [...this.pending.values()];
  }

  private watch<T>(type: string, id: string, append: Promise<T>): Promise<T> {
    const key = this.next++;
    this.pending.set(key, `${type} ${id}`);
    return append.finally(() => this.pending.delete(key));
  }
}
