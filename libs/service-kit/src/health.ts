import type { HealthReply, ServiceName } from '@jarvis/contracts';

/**
 * Tracks one service's liveness details for its health endpoint. Each component (the Docker engine, the event
 * store, …) degrades and recovers on its own, so one recovering never hides another still failing.
 */
export class ServiceHealth {
  private readonly startedAt: string;
  private readonly details: Record<string, string | number | boolean> = {};
  private readonly problems = new Map<string, string>();

  constructor(
    private readonly service: ServiceName,
    now: Date,
  ) {
    this.startedAt = now.toISOString();
  }

  set(key: string, value: string | number | boolean): void {
    this.details[key] = value;
  }

  degrade(component: string, reason: string): void {
    this.problems.set(component, reason);
  }

  recover(component: string): void {
    this.problems.delete(component);
  }

  isDegraded(component?: string): boolean {
    return component === undefined ? this.problems.size > 0 : this.problems.has(component);
  }

  reply(): HealthReply {
    const degradedBecause = [...this.problems].map(([component, reason]) => `${component}: ${reason}`).join('; ');
    return {
      service: this.service,
      status: this.problems.size > 0 ? 'degraded' : 'up',
      startedAt: this.startedAt,
      details: { ...this.details, ...(degradedBecause ? { degradedBecause } : {}) },
    };
  }
}
