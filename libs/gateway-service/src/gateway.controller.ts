import { Controller, Get, HttpCode, HttpException, Inject, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import type { JarvisConfig } from '@jarvis/config';
import { IncidentListQuery, RPC, SERVICE_NAMES, type DiagnoseReply, type HealthReply, type ServiceName, type TargetsReply } from '@jarvis/contracts';
import { JARVIS_CONFIG } from '@jarvis/service-kit';

import { ServiceBus, ServiceUnavailable } from './service-bus.js';

type ServiceStatus = HealthReply | { service: ServiceName; status: 'down'; error: string };

const HEALTH_TIMEOUT_MS = 1000;
/** The monitor lists targets with Docker calls that may each take their whole deadline: wait that long, and a bit. */
const TARGETS_MARGIN_MS = 2000;

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
  async status(): Promise<object> {
    const services = await Promise.all(SERVICE_NAMES.filter((s) => s !== 'gateway').map((s) => this.health(s)));
    const [targets, incidents] = await Promise.all([
      this.bus.request<TargetsReply>(RPC.monitorTargets, {}, this.targetsTimeoutMs).catch((error: Error) => ({ error: error.message })),
      this.bus.request<{ incidents: object[]; metrics: object }>(RPC.auditIncidents, { status: 'active' }).catch((error: Error) => ({ error: error.message })),
    ]);
    const allUp = services.every((s) => s.status === 'up');
    return {
      status: allUp ? 'ok' : 'degraded',
      services: [{ service: 'gateway', status: 'up' }, ...services],
      watchedTargets: 'targets' in targets ? targets.targets : targets,
      openIncidents: 'incidents' in incidents ? incidents.incidents : incidents,
      metrics: 'metrics' in incidents ? incidents.metrics : null,
    };
  }

  @Post('diagnose')
  @HttpCode(200)
  async diagnose(): Promise<DiagnoseReply> {
    return this.forward(() => this.bus.request<DiagnoseReply>(RPC.monitorDiagnose, {}, 30_000));
  }

  @Get('incidents')
  async incidents(@Query() query: IncidentListQuery): Promise<object> {
    return this.forward(() => this.bus.request(RPC.auditIncidents, { status: query.status, limit: query.limit }));
  }

  @Get('incidents/:id')
  async incident(@Param('id', new ParseUUIDPipe()) id: string): Promise<object> {
    return this.forward(() => this.bus.request(RPC.auditIncident, { id }));
  }

  private async health(service: ServiceName): Promise<ServiceStatus> {
    try {
      return await this.bus.request<HealthReply>(RPC.health(service), {}, HEALTH_TIMEOUT_MS);
    } catch (error) {
      return { service, status: 'down', error: (error as Error).message };
    }
  }

  private async forward<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (error instanceof ServiceUnavailable) {
        const notFound = /no incident/.test(error.message);
        throw new HttpException({ error: error.message }, notFound ? 404 : 503);
      }
      throw error;
    }
  }
}
