import { Controller, Inject, Module } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { RPC, type HealthReply } from '@jarvis/contracts';
import { PROCESSOR_HOST, ProcessorHost, ProcessorServiceModule, processorProviders, SERVICE_HEALTH, ServiceHealth } from '@jarvis/service-kit';
import { ConfigEditorProcessor } from './config-editor.processor.js';

@Controller()
export class ConfigEditorController {
  constructor(
    @Inject(SERVICE_HEALTH) private readonly health: ServiceHealth,
    @Inject(PROCESSOR_HOST) private readonly host: ProcessorHost<Set<string>>,
  ) {}

  @MessagePattern(RPC.health('config-editor'))
  healthCheck(): HealthReply {
    this.health.set('openIncidents', this.host.state().size);
    return this.health.reply();
  }
}

@Module({
  controllers: [ConfigEditorController],
  providers: processorProviders('config-editor', { inject: [], useFactory: () => new ConfigEditorProcessor() }),
})
export class ConfigEditorModule extends ProcessorServiceModule {}
