import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { AuditCheckpointer, readAuditKey } from '@jarvis/audit-store';
import type { JarvisConfig } from '@jarvis/config';
import { EVENT_STREAM_NAME } from '@jarvis/contracts';
import { CLOCK, EVENT_STORE_KIND, JARVIS_CONFIG, NATS_CONNECTION, RUNTIME_ENV, SERVICE_HEALTH, ServiceHealth, type Clock, type EventStoreKind, type RuntimeEnv } from '@jarvis/service-kit';

/** How often the writer looks for new events: checkpoints fall due by count or time, never sooner than this. */
const POLL_MS = 1000;

/**
 * The audit service's second job beside its projection: hash-chaining the event stream and storing checkpoints in
 * JARVIS_AUDIT, so `jarvis audit verify` can tell whether anything was altered since.
 */
@Injectable()
export class AuditCheckpoints implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('jarvis-audit-chain');
  private checkpointer: AuditCheckpointer | undefined;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nats: NatsConnection,
    @Inject(JARVIS_CONFIG) private readonly config: JarvisConfig,
    @Inject(RUNTIME_ENV) private readonly env: RuntimeEnv,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SERVICE_HEALTH) private readonly health: ServiceHealth,
    @Inject(EVENT_STORE_KIND) private readonly store: EventStoreKind,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // The chain covers the JetStream stream; on another store start-up has said so, and there is nothing to chain.
    if (this.store !== 'jetstream') return;
    const { checkpointEveryEvents, checkpointEverySeconds, checkpointKeyFile } = this.config.audit;
    const key = checkpointKeyFile === '' ? undefined : readAuditKey('audit.checkpointKeyFile', checkpointKeyFile, this.env.dataDir);
    this.checkpointer = await AuditCheckpointer.open(this.nats, {
      eventStream: EVENT_STREAM_NAME,
      policy: { everyEvents: checkpointEveryEvents, everySeconds: checkpointEverySeconds },
      ...(key ? { key } : {}),
      clock: this.clock,
      pollMs: POLL_MS,
      report: {
        written: (index, lastSeq) => {
          this.health.set('auditCheckpoint', index);
          this.health.set('auditCheckpointLastSeq', lastSeq);
          this.logger.debug(`checkpoint #${index} covers the events up to seq ${lastSeq}`);
        },
        failed: (reason) => {
          this.health.degrade('audit chain', reason);
          this.logger.warn(`audit chain: ${reason}; retrying from the latest stored checkpoint`);
        },
        recovered: () => {
          this.health.recover('audit chain');
          this.logger.log('audit chain: writing checkpoints again');
        },
      },
    });
    this.checkpointer.start();
    this.logger.log(`audit chain: a checkpoint every ${checkpointEveryEvents} events or ${checkpointEverySeconds} s${key ? ', HMAC-signed' : ''}`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.checkpointer?.stop();
  }
}
