import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { ClientProxy } from '@nestjs/microservices';
import { firstValueFrom, timeout } from 'rxjs';

export const RPC_CLIENT = Symbol('RPC_CLIENT');

export class ServiceUnavailable extends Error {}

/** Request/reply to the other services over NATS, with a deadline: the gateway never hangs on a dead service. */
@Injectable()
export class ServiceBus implements OnApplicationShutdown {
  constructor(@Inject(RPC_CLIENT) private readonly client: ClientProxy) {}

  async request<T>(subject: string, payload: object = {}, timeoutMs = 2000): Promise<T> {
    try {
      return await firstValueFrom(this.client.send<T>(subject, payload).pipe(timeout(timeoutMs)));
    } catch (error) {
      const message = (error as { message?: string }).message ?? String(error);
      throw new ServiceUnavailable(`${subject}: ${message}`);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
  }
}
