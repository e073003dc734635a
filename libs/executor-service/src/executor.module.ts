import { Controller, Inject, Module } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import type { JarvisConfig } from '@jarvis/config';
import { RPC, type HealthReply } from '@jarvis/contracts';
import { dockerEndpoint, DockerodeRuntime, dockerFromEnv } from '@jarvis/docker';
import { remediationActions } from '@jarvis/remediation';
import { JARVIS_CONFIG, ProcessorServiceModule, processorProviders, RUNTIME_ENV, SERVICE_HEALTH, ServiceHealth, type RuntimeEnv } from '@jarvis/service-kit';
import { ExecutorProcessor } from './executor.processor.js';

/** Seconds an interrupted restart may still be finishing on top of Docker's stop timeout. */
const RESTART_GRACE_SECONDS = 30;

@Controller()
export class ExecutorController {
  constructor(@Inject(SERVICE_HEALTH) private readonly health: ServiceHealth) {}

  @MessagePattern(RPC.health('executor'))
  healthCheck(): HealthReply {
    return this.health.reply();
  }
}

@Module({
  controllers: [ExecutorController],
  providers: processorProviders('executor', {
    inject: [JARVIS_CONFIG, RUNTIME_ENV],
    useFactory: (config: JarvisConfig, env: RuntimeEnv) => {
      const stopTimeout = config.executor.restartStopTimeoutSeconds;
      const limits = { callTimeoutMs: config.docker.callTimeoutSeconds * 1000, endpoint: dockerEndpoint(env.dockerHost) };
      const actions = remediationActions({ containers: new DockerodeRuntime(dockerFromEnv(env.dockerHost), limits), restartStopTimeoutSeconds: stopTimeout });
      return new ExecutorProcessor(actions, (stopTimeout + RESTART_GRACE_SECONDS) * 1000);
    },
  }),
})
export class ExecutorModule extends ProcessorServiceModule {}
