import 'reflect-metadata';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';

export const INCIDENT_FILTERS = ['open', 'escalated', 'resolved', 'active', 'all'] as const;

/** Request body of RPC.auditIncidents and the query of GET /api/jarvis/incidents. */
export class IncidentListQuery {
  @IsOptional()
  @IsIn(INCIDENT_FILTERS)
  status: (typeof INCIDENT_FILTERS)[number] = 'all';

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit = 100;
}

/** Request body of RPC.auditIncident. */
export class IncidentQuery {
  @IsUUID()
  id!: string;
}
