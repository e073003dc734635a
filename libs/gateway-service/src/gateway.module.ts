import { Controller, Get, Inject, Logger, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ClientProxyFactory, MessagePattern, Transport } from '@nestjs/microservices';
import { RPC, type HealthReply } from '@jarvis/contracts';
import { CLOCK, ensureApiToken, RECONNECT_FOREVER, RUNTIME_ENV, ServiceHealth, type ApiTokenHash, type Clock, type RuntimeEnv } from '@jarvis/service-kit';
import { ApiErrorFilter } from './api-error.filter.js';
import { ApprovalDesk } from './approval-desk.js';
import { ApprovalsController } from './approvals.controller.js';
import { API_TOKEN_HASH, BearerTokenGuard } from './bearer-token.guard.js';
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

/** Creates the token on first start; keeps only its hash. The log names the file, never the token. */
async function apiTokenHash(env: RuntimeEnv): Promise<ApiTokenHash> {
  const setup = await ensureApiToken(env.dataDir);
  const logger = new Logger('gateway');
  if (setup.created === 'token') logger.log(`API token created in ${setup.tokenPath} (mode 0600): jarvis approve and other mutating requests use it`);
  else if (setup.created === 'hash') logger.log(`API token hash written to ${setup.hashPath} from ${setup.tokenPath}`);
  else logger.log(`API token: checking bearer tokens against ${setup.hashPath}`);
  return setup.hash;
}

@Module({
  controllers: [GatewayController, ApprovalsController, GatewayHealthController],
  providers: [
    ServiceBus,
    ApprovalDesk,
    BearerTokenGuard,
    { provide: API_TOKEN_HASH, inject: [RUNTIME_ENV], useFactory: apiTokenHash },
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
