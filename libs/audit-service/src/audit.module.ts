import { Controller, Inject, Module } from '@nestjs/common';
import { MessagePattern, Payload, RpcException } from '@nestjs/microservices';
import { IncidentListQuery, IncidentQuery, RPC, rpcError, type HealthReply, type IncidentListReply, type IncidentView, type ReliabilityReply } from '@jarvis/contracts';
import { incidentMetrics, reliabilityReport } from '@jarvis/incidents';
import type { JarvisConfig } from '@jarvis/config';
import type { NatsConnection } from '@nats-io/transport-node';
import { CLOCK, JARVIS_CONFIG, NATS_CONNECTION, PROCESSOR_HOST, ProcessorHost, ProcessorServiceModule, processorProviders, SERVICE_HEALTH, ServiceHealth, type Clock } from '@jarvis/service-kit';
import { AuditCheckpoints } from './audit-checkpoints.js';
import { auditLimitsOf } from './audit-limits.js';
import { AuditProcessor, type AuditState } from './audit.processor.js';
import { ReliabilityGauges } from './reliability-gauges.js';
import { incidentListReply } from './incident-list-reply.js';
import { timeSavedEstimatesOf } from './time-saved.js';

/** NATS's default max_payload, for a connection that has not said its own. */
const DEFAULT_MAX_PAYLOAD_BYTES = 1024 * 1024;

@Controller()
export class AuditController {
  constructor(
    @Inject(SERVICE_HEALTH) private readonly health: ServiceHealth,
    @Inject(PROCESSOR_HOST) private readonly host: ProcessorHost<AuditState>,
    @Inject(JARVIS_CONFIG) private readonly config: JarvisConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(NATS_CONNECTION) private readonly nats: NatsConnection,
  ) {}

  @MessagePattern(RPC.health('audit'))
  healthCheck(): HealthReply {
    this.health.set('incidents', this.host.state().incidents.byId.size);
    return this.health.reply();
  }

  @MessagePattern(RPC.auditIncidents)
  incidents(@Payload() query: IncidentListQuery): IncidentListReply {
    const all = [...this.host.state().incidents.byId.values()];
    const wanted = all.filter((r) => query.status === 'all' || r.status === query.status || (query.status === 'active' && r.status !== 'resolved'));
    const newestFirst = wanted.slice(-query.limit).reverse().map(({ timeline: _timeline, ...summary }) => summary);
    return incidentListReply(newestFirst, incidentMetrics(all), this.nats.info?.max_payload ?? DEFAULT_MAX_PAYLOAD_BYTES);
  }

  @MessagePattern(RPC.auditIncident)
  incident(@Payload() query: IncidentQuery): IncidentView {
    const record = this.host.state().incidents.byId.get(query.id);
    if (!record) throw new RpcException(rpcError('not_found', `no incident ${query.id}`, [{ field: 'id', reason: 'no incident has this id' }]));
    return record;
  }

  @MessagePattern(RPC.auditReliability)
  reliability(): ReliabilityReply {
    return reliabilityReport(this.host.state().reliability, this.clock(), timeSavedEstimatesOf(this.config));
  }
}


@Module({
  controllers: [AuditController],
  providers: [
    ...processorProviders('audit', {
      inject: [JARVIS_CONFIG],
      useFactory: (config: JarvisConfig) => new AuditProcessor(auditLimitsOf(config)),
    }),
    AuditCheckpoints,
    ReliabilityGauges,
  ],
})
export class AuditModule extends ProcessorServiceModule {}
