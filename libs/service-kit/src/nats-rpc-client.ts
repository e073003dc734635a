import type { NatsConnection } from '@nats-io/transport-node';
import { isRpcError, newId, type RpcError, type RpcReply, type RpcRequest, type RpcSubject } from '@jarvis/contracts';

/** A refusal the answering service sent as data (invalid request, not found): the caller branches on `rpc.code`. */
export class RpcRefusedError extends Error {
  constructor(
    readonly subject: string,
    readonly rpc: RpcError,
  ) {
    super(`${subject}: ${rpc.code}: ${rpc.message}${rpc.fields.length > 0 ? ` (${rpc.fields.map((f) => `${f.field}: ${f.reason}`).join('; ')})` : ''}`);
  }
}

/**
 * One service asking another over NATS in NestJS's framing ({ pattern, data, id } → { response } or { err }), for
 * the processors that are no NestJS clients (the executor's config edits, the policy's previews). No answer within
 * `timeoutMs` (or before `signal` aborts) is an error, never a retry: the caller's idempotency key makes a retry safe.
 */
export class NatsRpcClient {
  constructor(private readonly nats: NatsConnection) {}

  async call<S extends RpcSubject>(subject: S, data: RpcRequest<S>, timeoutMs: number, signal?: AbortSignal): Promise<RpcReply<S>> {
    signal?.throwIfAborted();
    const name = String(subject);
    const request = this.nats.request(name, JSON.stringify({ pattern: name, data, id: newId() }), { timeout: timeoutMs });
    const reply = await (signal ? Promise.race([request, aborted(signal)]) : request);
    const decoded = reply.json<{ response?: RpcReply<S>; err?: unknown }>();
    if (decoded.err !== undefined && decoded.err !== null) {
      if (isRpcError(decoded.err)) throw new RpcRefusedError(name, decoded.err);
      throw new Error(`${name}: the service failed (${typeof decoded.err === 'string' ? decoded.err : 'internal error'})`);
    }
    if (decoded.response === undefined) throw new Error(`${name}: the reply carried no response`);
    return decoded.response;
  }
}

function aborted(signal: AbortSignal): Promise<never> {
  return new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true }));
}
