import { Controller, Inject, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { ConfigError, type JarvisConfig } from '@jarvis/config';
import { RPC, type DiagnoseReply, type HealthReply, type TargetsReply } from '@jarvis/contracts';
import { dockerEndpoint, DockerodeRuntime, dockerFromEnv, type DockerCallLimits } from '@jarvis/docker';
import {
  CLOCK,
  JARVIS_CONFIG,
  PROCESSOR_HOST,
  ProcessorHost,
  processorProviders,
  RUNTIME_ENV,
  SERVICE_HEALTH,
  ServiceHealth,
  type Clock,
  type RuntimeEnv,
} from '@jarvis/service-kit';
import { DEFAULT_INCIDENT_BOOK_LIMITS } from '@jarvis/incidents';
import { DEFAULT_CADDYFILE_DIRS, LocalCaddy } from '@jarvis/caddy';
import { FilesystemDiskPort } from '@jarvis/disk';
import { DdclientCacheAddresses, FilesystemDdclientPort } from '@jarvis/ddclient';
import { caFileDirsWith, NetworkHttpProbe } from '@jarvis/http-probe';
import { ResolverDnsQuery } from '@jarvis/dns-probe';
import { capabilityRegistry, type CapabilityDependencies, type ComponentRestartPort, type ConfigApplyPort, type TargetDependencyGraph } from '@jarvis/registry';
import { NetworkTlsProbe } from '@jarvis/tls-probe';
import { ContainerWatch } from './container-watch.js';
import { MonitorProcessor } from './monitor.processor.js';
import type { MonitorState } from './monitor-state.js';
import { ProbeResultRecorder } from './probe-result-recorder.js';
import { ConsequenceRecorder } from './consequence-recorder.js';
import { MaintenancePlanner } from './maintenance-planner.js';
import { plannedSchedules } from './maintenance-schedules.js';
import { ScheduledChecks } from './scheduled-checks.js';
import { TargetLocks } from './target-locks.js';

const DOCKER_RUNTIME = Symbol('DOCKER_RUNTIME');
const DOCKER_CLIENT = Symbol('DOCKER_CLIENT');
const TARGET_LOCKS = Symbol('TARGET_LOCKS');
const DOCKER_LIMITS = Symbol('DOCKER_LIMITS');
const CAPABILITY_DEPENDENCIES = Symbol('CAPABILITY_DEPENDENCIES');
/** Slack on top of the longest verification, so the runner's deadline only catches a real hang. */
const VERIFY_HANDLER_SLACK_MS = 30_000;

@Controller()
export class MonitorController {
  constructor(
    @Inject(SERVICE_HEALTH) private readonly health: ServiceHealth,
    @Inject(ContainerWatch) private readonly watch: ContainerWatch,
    @Inject(ScheduledChecks) private readonly scheduled: ScheduledChecks,
  ) {}

  @MessagePattern(RPC.health('monitor'))
  healthCheck(): HealthReply {
    for (const [key, value] of Object.entries(this.scheduled.healthDetails())) this.health.set(key, value);
    return this.health.reply();
  }

  @MessagePattern(RPC.monitorDiagnose)
  async diagnose(): Promise<DiagnoseReply> {
    return { results: [...(await this.watch.reconcile()), ...this.scheduled.views()] };
  }

  @MessagePattern(RPC.monitorTargets)
  async targets(): Promise<TargetsReply> {
    const containers = await this.watch.targets();
    return 'targets' in containers ? { targets: [...containers.targets, ...this.scheduled.targets()] } : containers;
  }
}

/** The monitor only verifies actions: applying a config edit is the executor's, through the config editor. */
const NO_CONFIG_EDITS: ConfigApplyPort = { apply: () => Promise.reject(new Error('the monitor applies no config edit')) };
/** Nor does it restart anything: its actions only verify. */
const NO_RESTARTS: ComponentRestartPort = {
  restartContainer: () => Promise.reject(new Error('the monitor restarts nothing')),
  restartUnit: () => Promise.reject(new Error('the monitor restarts nothing')),
};

@Module({
  controllers: [MonitorController],
  providers: [
    { provide: TARGET_LOCKS, useValue: new TargetLocks() },
    { provide: DOCKER_CLIENT, inject: [RUNTIME_ENV], useFactory: (env: RuntimeEnv) => dockerFromEnv(env.dockerHost) },
    {
      provide: DOCKER_LIMITS,
      inject: [RUNTIME_ENV, JARVIS_CONFIG],
      useFactory: (env: RuntimeEnv, config: JarvisConfig): DockerCallLimits => ({ callTimeoutMs: config.docker.callTimeoutSeconds * 1000, endpoint: dockerEndpoint(env.dockerHost) }),
    },
    {
      provide: DOCKER_RUNTIME,
      inject: [DOCKER_CLIENT, DOCKER_LIMITS],
      useFactory: (docker: ReturnType<typeof dockerFromEnv>, limits: DockerCallLimits) => new DockerodeRuntime(docker, limits),
    },
    {
      provide: CAPABILITY_DEPENDENCIES,
      inject: [DOCKER_RUNTIME, JARVIS_CONFIG],
      useFactory: (runtime: DockerodeRuntime, config: JarvisConfig): CapabilityDependencies => ({
        containers: runtime,
        disks: new FilesystemDiskPort(),
        http: new NetworkHttpProbe(caFileDirsWith(config.tls.extraCaFolders)),
        tls: new NetworkTlsProbe({ caFileDirs: caFileDirsWith(config.tls.extraCaFolders) }),
        caddy: new LocalCaddy({ caddyfileDirs: [...DEFAULT_CADDYFILE_DIRS, ...config.extraCaddyfileFolders] }),
        ddclient: new FilesystemDdclientPort(),
        dns: new ResolverDnsQuery(),
        configEditor: NO_CONFIG_EDITS,
        restarts: NO_RESTARTS,
        ...(config.ddclient ? { pushedAddresses: new DdclientCacheAddresses(config.ddclient) } : {}),
      }),
    },
    ...processorProviders('monitor', {
      inject: [CAPABILITY_DEPENDENCIES, JARVIS_CONFIG, TARGET_LOCKS, DOCKER_LIMITS],
      useFactory: (dependencies: CapabilityDependencies, config: JarvisConfig, locks: TargetLocks, docker: DockerCallLimits) =>
        new MonitorProcessor(
          capabilityRegistry(config).createActions(dependencies),
          locks,
          { closedRetentionMs: config.events.closedCaseRetentionHours * 3_600_000, maxEarlyDetections: DEFAULT_INCIDENT_BOOK_LIMITS.maxEarlyDetections },
          config.verification.timeoutSeconds * 1000 + config.verification.stableForMs + 2 * docker.callTimeoutMs + VERIFY_HANDLER_SLACK_MS,
        ),
    }),
    {
      provide: ProbeResultRecorder,
      inject: [PROCESSOR_HOST, JARVIS_CONFIG, TARGET_LOCKS],
      useFactory: (host: ProcessorHost<MonitorState>, config: JarvisConfig, locks: TargetLocks) =>
        new ProbeResultRecorder(
          host,
          {
            redetectAfterMs: config.watch.reconcileIntervalSeconds * 1000,
            // An owner's stop is recorded again before its record outlives the retention of closed cases.
            restateStopAfterMs: (config.events.closedCaseRetentionHours * 3_600_000) / 2,
          },
          new ConsequenceRecorder(host, dependencyGraphOf(config), config.correlation.consequenceGraceSeconds * 1000),
          locks,
        ),
    },
    {
      provide: ScheduledChecks,
      inject: [CAPABILITY_DEPENDENCIES, ProbeResultRecorder, TARGET_LOCKS, JARVIS_CONFIG, CLOCK],
      useFactory: (dependencies: CapabilityDependencies, recorder: ProbeResultRecorder, locks: TargetLocks, config: JarvisConfig, clock: Clock) =>
        new ScheduledChecks(capabilityRegistry(config).createProbes(dependencies), recorder, locks, config.probes, clock, dependencyGraphOf(config)),
    },
    {
      provide: MaintenancePlanner,
      inject: [PROCESSOR_HOST, JARVIS_CONFIG, CLOCK],
      useFactory: (host: ProcessorHost<MonitorState>, config: JarvisConfig, clock: Clock) => new MaintenancePlanner(plannedSchedules(config, capabilityRegistry(config)), host, clock),
    },
    {
      provide: ContainerWatch,
      inject: [DOCKER_CLIENT, DOCKER_RUNTIME, PROCESSOR_HOST, TARGET_LOCKS, ProbeResultRecorder, JARVIS_CONFIG, SERVICE_HEALTH, CLOCK, DOCKER_LIMITS],
      useFactory: (
        docker: ReturnType<typeof dockerFromEnv>,
        runtime: DockerodeRuntime,
        host: ProcessorHost<MonitorState>,
        locks: TargetLocks,
        recorder: ProbeResultRecorder,
        config: JarvisConfig,
        health: ServiceHealth,
        clock: Clock,
        limits: DockerCallLimits,
      ) => new ContainerWatch(docker, runtime, host, locks, recorder, config, health, clock, limits),
    },
  ],
})
export class MonitorModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(PROCESSOR_HOST) private readonly host: ProcessorHost<MonitorState>,
    @Inject(ContainerWatch) private readonly watch: ContainerWatch,
    @Inject(ScheduledChecks) private readonly scheduled: ScheduledChecks,
    @Inject(MaintenancePlanner) private readonly maintenance: MaintenancePlanner,
  ) {}

  /** State first (open incidents, owner stops, runs done), then the engine's events, the probes and the schedules. */
  async onApplicationBootstrap(): Promise<void> {
    await this.host.start();
    await this.watch.start();
    this.scheduled.start();
    this.maintenance.start();
  }

  async onApplicationShutdown(): Promise<void> {
    this.watch.stop();
    await this.maintenance.stop();
    await this.scheduled.stop();
    await this.host.stop();
  }
}

/** The kinds' dependencies from jarvis.yaml; a cycle stops the start naming its targets. */
function dependencyGraphOf(config: JarvisConfig): TargetDependencyGraph {
  const built = capabilityRegistry(config).dependencyGraph();
  if (!built.ok) throw new ConfigError('jarvis.yaml', built.problems);
  return built.graph;
}
