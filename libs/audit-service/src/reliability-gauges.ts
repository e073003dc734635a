import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { JarvisConfig } from '@jarvis/config';
import { reliabilityReport } from '@jarvis/incidents';
import { CLOCK, JARVIS_CONFIG, PROCESS_METRICS, PROCESSOR_HOST, type Clock, type ProcessorHost, type ReliabilityExport } from '@jarvis/service-kit';
import type { AuditState } from './audit.processor.js';
import { timeSavedEstimatesOf } from './time-saved.js';

/** The reliability figures on /metrics, computed at each scrape from the projection the API answers from. */
@Injectable()
export class ReliabilityGauges implements OnApplicationBootstrap {
  constructor(
    @Inject(PROCESS_METRICS) private readonly metrics: ReliabilityExport | null,
    @Inject(PROCESSOR_HOST) private readonly host: ProcessorHost<AuditState>,
    @Inject(JARVIS_CONFIG) private readonly config: JarvisConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    const estimates = timeSavedEstimatesOf(this.config);
    this.metrics?.observeReliability(() => reliabilityReport(this.host.state().reliability, this.clock(), estimates));
  }
}
