import type { NatsConnection } from '@nats-io/transport-node';
import { newId } from '@jarvis/contracts';

/** Calls a Jarvis RPC the way the gateway does: NestJS's NATS framing ({ pattern, data, id } → { response }). */
export async function callRpc<T>(nc: NatsConnection, subject: string, data: unknown = {}, timeoutMs = 5_000): Promise<T> {
  const reply = await nc.request(subject, JSON.stringify({ pattern: subject, data, id: newId() }), { timeout: timeoutMs });
  const decoded = reply.json<{ response?: T; err?: unknown }>();
  if (decoded.err !== undefined && decoded.err !== null) throw new Error(`${subject}: ${JSON.stringify(decoded.err)}`);
  return decoded.response as T;
}
