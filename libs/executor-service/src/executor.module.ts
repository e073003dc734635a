import { Controller, Inject, Logger, Module } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import type { JarvisConfig } from '@jarvis/config';
import { RPC, type HealthReply } from '@jarvis/contracts';
import { DEFAULT_CADDYFILE_DIRS, LocalCaddy } from '@jarvis/caddy';
import { FilesystemDiskPort } from '@jarvis/disk';
import { dockerEndpoint, DockerodeRuntime, dockerFromEnv, EngineContainerEventView, type DockerCallLimits } from '@jarvis/docker';
import { FilesystemDdclientPort } from '@jarvis/ddclient';
import { caFileDirsWith, NetworkHttpProbe } from '@jarvis/http-probe';
import { ResolverDnsQuery } from '@jarvis/dns-probe';
import { capabilityRegistry } from '@jarvis/registry';
import { NetworkTlsProbe } from '@jarvis/tls-probe';
import type { NatsConnection } from '@nats-io/transport-node';
import {
  CLOCK,
  JARVIS_CONFIG,
  NATS_CONNECTION,
  NatsRpcClient,
  PROCESSOR_HOST,
  ProcessorHost,
  ProcessorServiceModule,
  processorProviders,
  RUNTIME_ENV,
  SERVICE_HEALTH,
  ServiceHealth,
  type Clock,
  type RuntimeEnv,
} from '@jarvis/service-kit';
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

function dockerLimits(config: JarvisConfig, env: RuntimeEnv): DockerCallLimits {
  return { callTimeoutMs: config.docker.callTimeoutSeconds * 1000, endpoint: dockerEndpoint(env.dockerHost) };
}

const CONTAINER_EVENTS = Symbol('executor container events');

/** The executor's own follower of the engine's events: it confirms a crash still holds without an inspect. */
function containerEventsFor(config: JarvisConfig, env: RuntimeEnv, clock: Clock): EngineContainerEventView {
  const logger = new Logger('executor');
  return new EngineContainerEventView(dockerFromEnv(env.dockerHost), dockerLimits(config, env), clock, (error) =>
    // Informational: the engine's reachability is the monitor's to warn about; here it only costs an inspect.
    logger.log(`Docker events unavailable to the executor (${error.message}); a crash is confirmed by an inspect until they are back`),
  );
}

function executorFor(config: JarvisConfig, env: RuntimeEnv, nats: NatsConnection, containerEvents: EngineContainerEventView): ExecutorProcessor {
  const limits = dockerLimits(config, env);
  const containers = new DockerodeRuntime(dockerFromEnv(env.dockerHost), limits);
  // The editor's own deadline, plus its wait for the ActionStarted to reach it.
  const configEditor = new NatsConfigApply(new NatsRpcClient(nats), config.configEditor.applyTimeoutSeconds * 1000 + CONFIG_APPLY_SLACK_MS);
  const actions = capabilityRegistry(config).createActions({ containers, containerEvents, disks: new FilesystemDiskPort(), http: new NetworkHttpProbe(caFileDirsWith(config.tls.extraCaFolders)), tls: new NetworkTlsProbe({ caFileDirs: caFileDirsWith(config.tls.extraCaFolders) }), caddy: new LocalCaddy({ caddyfileDirs: [...DEFAULT_CADDYFILE_DIRS, ...config.extraCaddyfileFolders] }), ddclient: new FilesystemDdclientPort(), dns: new ResolverDnsQuery(), configEditor, restarts: new ComponentRestarts(containers, SYSTEMCTL_TIMEOUT_MS) });
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
  providers: [
    { provide: CONTAINER_EVENTS, inject: [JARVIS_CONFIG, RUNTIME_ENV, CLOCK], useFactory: containerEventsFor },
    ...processorProviders('executor', { inject: [JARVIS_CONFIG, RUNTIME_ENV, NATS_CONNECTION, CONTAINER_EVENTS], useFactory: executorFor }),
  ],
})
export class ExecutorModule extends ProcessorServiceModule {
  constructor(
    @Inject(PROCESSOR_HOST) host: ProcessorHost<unknown>,
    @Inject(CONTAINER_EVENTS) private readonly containerEvents: EngineContainerEventView,
  ) {
    super(host);
  }

  /** The events first, so the first decisions handled can already be confirmed from them. */
  override async onApplicationBootstrap(): Promise<void> {
    await this.containerEvents.start();
    await super.onApplicationBootstrap();
  }

  override async onApplicationShutdown(): Promise<void> {
    await super.onApplicationShutdown();
    this.containerEvents.stop();
  }
}
