import { Controller, Inject, Module } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import type { JarvisConfig } from '@jarvis/config';
import { RPC, type HealthReply } from '@jarvis/contracts';
import { DEFAULT_CADDYFILE_DIRS, LocalCaddy } from '@jarvis/caddy';
import { FilesystemDiskPort } from '@jarvis/disk';
import { dockerEndpoint, DockerodeRuntime, dockerFromEnv } from '@jarvis/docker';
import { FilesystemDdclientPort } from '@jarvis/ddclient';
import { caFileDirsWith, NetworkHttpProbe } from '@jarvis/http-probe';
import { ResolverDnsQuery } from '@jarvis/dns-probe';
import { capabilityRegistry } from '@jarvis/registry';
import { NetworkTlsProbe } from '@jarvis/tls-probe';
import type { NatsConnection } from '@nats-io/transport-node';
import { JARVIS_CONFIG, NATS_CONNECTION, NatsRpcClient, ProcessorServiceModule, processorProviders, RUNTIME_ENV, SERVICE_HEALTH, ServiceHealth, type RuntimeEnv } from '@jarvis/service-kit';
import { DEFAULT_APPEND_RETRY } from './append-patiently.js';
import { ExecutorProcessor } from './executor.processor.js';
import { ComponentRestarts } from './component-restarts.js';
import { NatsConfigApply } from './nats-config-apply.js';

/** Slack on top of the longest legitimate handling, so the runner's deadline only catches a real hang. */
const HANDLER_SLACK_MS = 30_000;
const CONFIG_APPLY_SLACK_MS = 10_000;
/** Within the restart actions' 60 s deadline; a unit slower to restart than this is reported, not awaited. */
const SYSTEMCTL_TIMEOUT_MS = 45_000;

@Controller()
export class ExecutorController {
  constructor(@Inject(SERVICE_HEALTH) private readonly health: ServiceHealth) {}

  @MessagePattern(RPC.health('executor'))
  healthCheck(): HealthReply {
    return this.health.reply();
  }
}

function executorFor(config: JarvisConfig, env: RuntimeEnv, nats: NatsConnection): ExecutorProcessor {
  const limits = { callTimeoutMs: config.docker.callTimeoutSeconds * 1000, endpoint: dockerEndpoint(env.dockerHost) };
  const containers = new DockerodeRuntime(dockerFromEnv(env.dockerHost), limits);
  // The editor's own deadline, plus its wait for the ActionStarted to reach it.
  const configEditor = new NatsConfigApply(new NatsRpcClient(nats), config.configEditor.applyTimeoutSeconds * 1000 + CONFIG_APPLY_SLACK_MS);
  const actions = capabilityRegistry(config).createActions({ containers, disks: new FilesystemDiskPort(), http: new NetworkHttpProbe(caFileDirsWith(config.tls.extraCaFolders)), tls: new NetworkTlsProbe({ caFileDirs: caFileDirsWith(config.tls.extraCaFolders) }), caddy: new LocalCaddy({ caddyfileDirs: [...DEFAULT_CADDYFILE_DIRS, ...config.extraCaddyfileFolders] }), ddclient: new FilesystemDdclientPort(), dns: new ResolverDnsQuery(), configEditor, restarts: new ComponentRestarts(containers, SYSTEMCTL_TIMEOUT_MS) });
  const longestActionMs = Math.max(...[...actions.values()].map((action) => action.deadlineMs));
  // The longest handling: waiting out an interrupted action, the re-observation, the action itself and its own
  // calls, then the patient append of its outcome.
  const handlerTimeoutMs = 2 * longestActionMs + 3 * limits.callTimeoutMs + DEFAULT_APPEND_RETRY.giveUpAfterMs + HANDLER_SLACK_MS;
  return new ExecutorProcessor(actions, {
    maxDecisionAgeMs: config.executor.maxDecisionAgeSeconds * 1000,
    autonomy: config.policy,
    closedCaseRetentionMs: config.events.closedCaseRetentionHours * 3_600_000,
    appendRetry: DEFAULT_APPEND_RETRY,
    handlerTimeoutMs,
  });
}

@Module({
  controllers: [ExecutorController],
  providers: processorProviders('executor', { inject: [JARVIS_CONFIG, RUNTIME_ENV, NATS_CONNECTION], useFactory: executorFor }),
})
export class ExecutorModule extends ProcessorServiceModule {}
