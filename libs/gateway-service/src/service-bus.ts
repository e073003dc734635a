import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { ClientProxy } from '@nestjs/microservices';
import { firstValueFrom, timeout } from 'rxjs';
import { isRpcError, type RpcError, type RpcReply, type RpcRequest, type RpcSubject } from '@jarvis/contracts';

export const RPC_CLIENT = Symbol('RPC_CLIENT');

/** No answer in time, or no service listening: the request may not have been seen at all. */
export class ServiceUnavailable extends Error {}

/** The service answered with a refusal (`RpcError`): its code says which, e.g. not_found. */
export class RpcRefused extends Error {
  constructor(
    readonly subject: RpcSubject,
    readonly error: RpcError,
  ) {
    super(`${subject}: ${error.code}: ${error.message}`);
  }
}

/** Request/reply to the other services over NATS, with a deadline: the gateway never hangs on a dead service. */
@Injectable()
export class ServiceBus implements OnApplicationShutdown {
  constructor(@Inject(RPC_CLIENT) private readonly client: ClientProxy) {}

  async request<S extends RpcSubject>(subject: S, payload: RpcRequest<S>, timeoutMs = 2000): Promise<RpcReply<S>> {
    try {
      return await firstValueFrom(this.client.send<RpcReply<S>>(subject, payload).pipe(timeout(timeoutMs)));
    } catch (error) {
      if (isRpcError(error)) throw new RpcRefused(subject, error);
      const message = (error as { message?: string }).message ?? String(error);
      throw new ServiceUnavailable(`${subject}: ${message}`);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
  }
}
