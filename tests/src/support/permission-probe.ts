import { setTimeout as sleep } from 'node:timers/promises';
import type { NatsConnection } from '@nats-io/transport-node';

export type Verdict = 'allowed' | 'denied';

/** How long an allowed request may go unanswered (an ack subject, a pull from nothing) before it counts as allowed. */
const UNANSWERED_MS = 1_500;
/** The server answers a denied SUB before the PONG of the flush that follows it; this covers the client's bookkeeping. */
const SUBSCRIBE_SETTLE_MS = 150;

/**
 * Publishes to `subject` as a request: the server refuses a denied publish at once with a permissions violation;
 * anything else (a reply, no responders, an error reply from JetStream, silence) means the publish went through.
 */
export async function probePublish(nc: NatsConnection, subject: string, body = '{}'): Promise<Verdict> {
  try {
    await nc.request(subject, body, { timeout: UNANSWERED_MS });
    return 'allowed';
  } catch (error) {
    return isPermissionViolation(error) ? 'denied' : 'allowed';
  }
}

/** Subscribes to `subject`: the server refuses a denied subscription and the client closes it with the violation. */
export async function probeSubscribe(nc: NatsConnection, subject: string): Promise<Verdict> {
  const sub = nc.subscribe(subject);
  await nc.flush();
  const outcome = await Promise.race([sub.closed.then((error) => error ?? 'closed'), sleep(SUBSCRIBE_SETTLE_MS).then(() => 'open' as const)]);
  if (outcome === 'open') {
    sub.unsubscribe();
    return 'allowed';
  }
  return isPermissionViolation(outcome) ? 'denied' : 'allowed';
}

export function isPermissionViolation(error: unknown): boolean {
  for (let e = error as { message?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (/permissions violation/i.test(e.message ?? '')) return true;
  }
  return false;
}
