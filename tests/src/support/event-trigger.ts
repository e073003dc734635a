import { setTimeout as sleep } from 'node:timers/promises';
import { connect } from '@nats-io/transport-node';
import { subjectOf, type EventType, type JarvisEvent } from '@jarvis/contracts';

export type EventTrigger = {
  /** Settles once `act` has run for the first matching event, or with its error; fails after `timeoutMs`. */
  fired(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
};

/**
 * Runs `act` the moment the first event of `type` matching `match` is published: a fault injected at an exact step of
 * a case (the subscription is plain NATS, so it sees the event as JetStream stores it, before any consumer acts on it).
 */
export async function onEventPublished<T extends EventType>(
  natsUrl: string,
  type: T,
  match: (event: Extract<JarvisEvent, { type: T }>) => boolean,
  act: () => Promise<void>,
): Promise<EventTrigger> {
  // No reconnection: the trigger may be what takes nats-server down, and it must not outlive the fault.
  const watcher = await connect({ servers: [natsUrl], maxReconnectAttempts: 0 });
  let fire: (outcome: Promise<void>) => void = () => undefined;
  const fired = new Promise<void>((resolve, reject) => {
    fire = (outcome) => outcome.then(resolve, reject);
  });
  let done = false;
  watcher.subscribe(subjectOf(type), {
    callback: (error, msg) => {
      if (error || done) return;
      const event = JSON.parse(msg.string()) as Extract<JarvisEvent, { type: T }>;
      if (!match(event)) return;
      done = true;
      fire(act());
    },
  });
  await watcher.flush();
  return { fired: (timeoutMs) => withDeadline(fired, timeoutMs, `a ${type} to act on`), close: () => watcher.close().catch(() => undefined) };
}

async function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  const timer = new AbortController();
  const deadline = sleep(ms, undefined, { signal: timer.signal }).then(() => {
    throw new Error(`timed out after ${ms} ms waiting for ${what}`);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    timer.abort();
    deadline.catch(() => undefined);
  }
}
