import { Controller, Inject, Module } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import type { JarvisConfig } from '@jarvis/config';
import { RPC, type HealthReply } from '@jarvis/contracts';
import type { PolicyState } from '@jarvis/policy';
import { JARVIS_CONFIG, PROCESSOR_HOST, ProcessorHost, ProcessorServiceModule, processorProviders, SERVICE_HEALTH, ServiceHealth } from '@jarvis/service-kit';
import { PolicyProcessor } from './policy.processor.js';

@Controller()
export class PolicyController {
  constructor(
    @Inject(SERVICE_HEALTH) private readonly health: ServiceHealth,
    @Inject(PROCESSOR_HOST) private readonly host: ProcessorHost<PolicyState>,
  ) {}

  @MessagePattern(RPC.health('policy'))
  healthCheck(): HealthReply {
    this.health.set('openIncidents', [...this.host.state().incidents.values()].filter((i) => i.open).length);
    return this.health.reply();
  }
}

@Module({
  controllers: [PolicyController],
  providers: processorProviders('policy', { inject: [JARVIS_CONFIG], useFactory: (config: JarvisConfig) => new PolicyProcessor(config) }),
})
export class PolicyModule extends ProcessorServiceModule {}
