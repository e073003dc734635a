import { Logger } from '@nestjs/common';
import type { ServiceHealth } from '@jarvis/service-kit';

/**
 * Whether the Docker engine answers, said once per change: one warning when it stops answering, one line when it is
 * back, and the `docker` health component degraded in between (the retries themselves stay quiet).
 */
export class EngineReachability {
  private readonly logger = new Logger('monitor');
  private problem: string | null = null;

  constructor(
    private readonly health: ServiceHealth,
    private readonly endpoint: string,
  ) {}

  /** Returns true when this is news (the engine was answering until now). */
  lost(reason: string): boolean {
    this.health.degrade('docker', reason);
    const news = this.problem === null;
    this.problem = reason;
    if (news) this.logger.warn(`${reason}; retrying with backoff, quietly, until the engine answers`);
    return news;
  }

  /** Returns true when the engine was unreachable until now. */
  back(): boolean {
    this.health.recover('docker');
    if (this.problem === null) return false;
    this.problem = null;
    this.logger.log(`Docker engine at ${this.endpoint} is back: reconciling every watched container`);
    return true;
  }

  /** Why the engine does not answer, or null while it does. */
  reason(): string | null {
    return this.problem;
  }
}
