import { Controller, Get, Inject, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ClientProxyFactory, MessagePattern, Transport } from '@nestjs/microservices';
import { RPC, type HealthReply } from '@jarvis/contracts';
import { CLOCK, RECONNECT_FOREVER, RUNTIME_ENV, ServiceHealth, type Clock, type RuntimeEnv } from '@jarvis/service-kit';
import { ApiErrorFilter } from './api-error.filter.js';
import { GatewayController } from './gateway.controller.js';
import { RPC_CLIENT, ServiceBus } from './service-bus.js';

const GATEWAY_HEALTH = Symbol('GATEWAY_HEALTH');

@Controller()
export class GatewayHealthController {
  constructor(@Inject(GATEWAY_HEALTH) private readonly health: ServiceHealth) {}

  @Get('healthz')
  liveness(): HealthReply {
    return this.health.reply();
  }

  @MessagePattern(RPC.health('gateway'))
  healthCheck(): HealthReply {
    return this.health.reply();
  }
}

@Module({
  controllers: [GatewayController, GatewayHealthController],
  providers: [
    ServiceBus,
    { provide: APP_FILTER, useClass: ApiErrorFilter },
    { provide: GATEWAY_HEALTH, inject: [CLOCK], useFactory: (clock: Clock) => new ServiceHealth('gateway', clock()) },
    {
      provide: RPC_CLIENT,
      inject: [RUNTIME_ENV],
      useFactory: (env: RuntimeEnv) =>
        ClientProxyFactory.create({ transport: Transport.NATS, options: { ...env.nats, name: 'jarvis-gateway-client', ...RECONNECT_FOREVER } }),
    },
  ],
})
export class GatewayModule {}
