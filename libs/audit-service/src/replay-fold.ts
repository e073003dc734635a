import type { ReliabilityReply } from '@jarvis/contracts';
import { decodeStoredMessage } from '@jarvis/event-log';
import { incidentMetrics, reliabilityReport, type IncidentBookLimits, type IncidentMetrics, type TimeSavedEstimates } from '@jarvis/incidents';
import { AuditProcessor, type AuditState } from './audit.processor.js';

export type ReplayFigures = { events: number; invalid: number; incidents: IncidentMetrics; reliability: ReliabilityReply };

/** The audit's projections folded from stored messages in stream order; a message the live audit would skip is counted, not folded. */
export class ReplayFold {
  private readonly processor: AuditProcessor;
  private state: AuditState;
  private events = 0;
  private invalid = 0;

  constructor(limits: IncidentBookLimits) {
    this.processor = new AuditProcessor(limits);
    this.state = this.processor.initialState();
  }

  add(subject: string, data: Uint8Array): void {
    const decoded = decodeStoredMessage(subject, data);
    if (!decoded.ok) {
      this.invalid += 1;
      return;
    }
    this.state = this.processor.evolve(this.state, decoded.event);
    this.events += 1;
  }

  get counts(): { events: number; invalid: number } {
    return { events: this.events, invalid: this.invalid };
  }

  figures(now: Date, estimates: TimeSavedEstimates): ReplayFigures {
    return {
      ...this.counts,
      incidents: incidentMetrics([...this.state.incidents.byId.values()]),
      reliability: reliabilityReport(this.state.reliability, now, estimates),
    };
  }
}
