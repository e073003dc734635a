import { Controller, Get, HttpCode, Inject, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import type { JarvisConfig } from '@jarvis/config';
import {
  IncidentListQuery,
  RPC,
  SERVICE_NAMES,
  type DiagnoseReply,
  type IncidentListReply,
  type IncidentView,
  type ReliabilityReply,
  type ServiceName,
  type ServiceStatusView,
  type StatusReply,
} from '@jarvis/contracts';
import { InvalidRequest, JARVIS_CONFIG } from '@jarvis/service-kit';
import { forwarded } from './rpc-forward.js';
import { ServiceBus } from './service-bus.js';

const HEALTH_TIMEOUT_MS = 1000;
/** The monitor lists targets with Docker calls that may each take their whole deadline: wait that long, and a bit. */
const TARGETS_MARGIN_MS = 2000;

const INCIDENT_ID = new ParseUUIDPipe({ exceptionFactory: () => new InvalidRequest([{ field: 'id', reason: 'must be a UUID' }]) });

@Controller('api/jarvis')
export class GatewayController {
  private readonly targetsTimeoutMs: number;

  constructor(
    private readonly bus: ServiceBus,
    @Inject(JARVIS_CONFIG) config: JarvisConfig,
  ) {
    this.targetsTimeoutMs = config.docker.callTimeoutSeconds * 1000 + TARGETS_MARGIN_MS;
  }

  @Get('status')
  async status(): Promise<StatusReply> {
    const services = await Promise.all(SERVICE_NAMES.filter((s) => s !== 'gateway').map((s) => this.health(s)));
    const [targets, incidents] = await Promise.all([
      this.bus.request(RPC.monitorTargets, {}, this.targetsTimeoutMs).catch((error: Error) => ({ error: error.message })),
      this.bus.request(RPC.auditIncidents, { status: 'active' }).catch((error: Error) => ({ error: error.message })),
    ]);
    return {
      status: services.every((s) => s.status === 'up') ? 'ok' : 'degraded',
      services: [{ service: 'gateway', status: 'up' }, ...services],
      watchedTargets: 'targets' in targets ? targets.targets : targets,
      openIncidents: 'incidents' in incidents ? incidents.incidents : incidents,
      metrics: 'metrics' in incidents ? incidents.metrics : null,
    };
  }

  @Post('diagnose')
  @HttpCode(200)
  diagnose(): Promise<DiagnoseReply> {
    return forwarded(() => this.bus.request(RPC.monitorDiagnose, {}, 30_000));
  }

  @Get('incidents')
  incidents(@Query() query: IncidentListQuery): Promise<IncidentListReply> {
    return forwarded(() => this.bus.request(RPC.auditIncidents, { status: query.status, limit: query.limit }));
  }

  @Get('incidents/:id')
  incident(@Param('id', INCIDENT_ID) id: string): Promise<IncidentView> {
    return forwarded(() => this.bus.request(RPC.auditIncident, { id }));
  }

  @Get('metrics/reliability')
  reliability(): Promise<ReliabilityReply> {
    return forwarded(() => this.bus.request(RPC.auditReliability, {}));
  }

  private async health(service: ServiceName): Promise<ServiceStatusView> {
    try {
      return await this.bus.request(RPC.health(service), {}, HEALTH_TIMEOUT_MS);
    } catch (error) {
      return { service, status: 'down', error: (error as Error).message };
    }
  }
}
