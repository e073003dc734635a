import type { HealthReply, ServiceName } from '@jarvis/contracts';

/** Tracks one service's liveness details for its health endpoint. */
export class ServiceHealth {
  private readonly startedAt: string;
  private status: HealthReply['status'] = 'up';
  private readonly details: Record<string, string | number | boolean> = {};

  constructor(
    private readonly service: ServiceName,
    now: Date,
  ) {
    this.startedAt = now.toISOString();
  }

  set(key: string, value: string | number | boolean): void {
    this.details[key] = value;
  }

  degrade(reason: string): void {
    this.status = 'degraded';
    this.details['degradedBecause'] = reason;
  }

  recover(): void {
    this.status = 'up';
    delete this.details['degradedBecause'];
  }

  reply(): HealthReply {
    return { service: this.service, status: this.status, startedAt: this.startedAt, details: { ...this.details } };
  }
}
