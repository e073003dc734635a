import { Controller, Inject, Logger, Module } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import type { JarvisConfig } from '@jarvis/config';
import { RPC, type ApprovalsReply, type HealthReply } from '@jarvis/contracts';
import { pendingApprovals, type PolicyState } from '@jarvis/policy';
import {
  CLOCK,
  JARVIS_CONFIG,
  NATS_CONNECTION,
  NatsRpcClient,
  PROCESSOR_HOST,
  ProcessorHost,
  processorProviders,
  ProcessorServiceModule,
  SERVICE_HEALTH,
  ServiceHealth,
  type Clock,
} from '@jarvis/service-kit';
import { capabilityRegistry } from '@jarvis/registry';
import type { NatsConnection } from '@nats-io/transport-node';
import { ApprovalDiffs } from './approval-diffs.js';
import { PolicyProcessor } from './policy.processor.js';

const POLICY_PROCESSOR = Symbol('POLICY_PROCESSOR');

/** Often enough that a stuck decision escalates close to its deadline, and never busier than every second. */
function sweepIntervalMs(decisionTimeoutSeconds: number): number {
  return Math.max(1_000, Math.min(5_000, decisionTimeoutSeconds * 250));
}

/** A preview is quick (no write, no validation): a config editor that does not answer soon is reported, not awaited. */
const PREVIEW_TIMEOUT_MS = 5_000;

function approvalDiffsFor(config: JarvisConfig, nats: NatsConnection): ApprovalDiffs {
  const registry = capabilityRegistry(config);
  const rpc = new NatsRpcClient(nats);
  return new ApprovalDiffs((action) => registry.descriptor(action)?.editsConfig === true, async (edit) => (await rpc.call(RPC.configPreview, { edit }, PREVIEW_TIMEOUT_MS)).diff);
}

@Controller()
export class PolicyController {
  constructor(
    @Inject(SERVICE_HEALTH) private readonly health: ServiceHealth,
    @Inject(PROCESSOR_HOST) private readonly host: ProcessorHost<PolicyState>,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @MessagePattern(RPC.policyApprovals)
  approvals(): ApprovalsReply {
    return { approvals: pendingApprovals(this.host.state(), this.clock()) };
  }

  @MessagePattern(RPC.health('policy'))
  healthCheck(): HealthReply {
    this.health.set('openIncidents', [...this.host.state().incidents.values()].filter((i) => i.open).length);
    return this.health.reply();
  }
}

@Module({
  controllers: [PolicyController],
  providers: [
    { provide: POLICY_PROCESSOR, inject: [JARVIS_CONFIG, NATS_CONNECTION], useFactory: (config: JarvisConfig, nats: NatsConnection) => new PolicyProcessor(config, approvalDiffsFor(config, nats)) },
    ...processorProviders('policy', { inject: [POLICY_PROCESSOR], useFactory: (processor: PolicyProcessor) => processor }),
  ],
})
export class PolicyModule extends ProcessorServiceModule {
  private readonly logger = new Logger('jarvis-policy');
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;

  constructor(
    @Inject(PROCESSOR_HOST) private readonly policyHost: ProcessorHost<PolicyState>,
    @Inject(POLICY_PROCESSOR) private readonly processor: PolicyProcessor,
    @Inject(JARVIS_CONFIG) private readonly config: JarvisConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    super(policyHost as ProcessorHost<unknown>);
  }

  /** State first, then the sweep: it judges silence from the rebuilt state. */
  override async onApplicationBootstrap(): Promise<void> {
    await super.onApplicationBootstrap();
    this.timer = setInterval(() => this.sweepOnce(), sweepIntervalMs(this.config.policy.decisionTimeoutSeconds));
  }

  override async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.sweeping;
    await super.onApplicationShutdown();
  }

  /** A sweep still running (NATS slow or down) is not overlapped; a failed one is simply tried again next tick. */
  private sweepOnce(): void {
    if (this.sweeping) return;
    this.sweeping = this.processor
      .sweep(() => this.policyHost.state(), this.clock(), (event, parent) => this.policyHost.record(event, parent))
      .catch((error: Error) => this.logger.warn(`decision sweep failed (${error.message}); trying again in the next sweep`))
      .finally(() => (this.sweeping = undefined));
  }
}
