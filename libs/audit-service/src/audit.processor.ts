import type { JarvisEvent } from '@jarvis/contracts';
import type { EventProcessor } from '@jarvis/event-log';
import { emptyIncidentBook, emptyReliabilityBook, evolveIncidents, evolveReliability, type IncidentBook, type IncidentBookLimits, type ReliabilityBook } from '@jarvis/incidents';

/** The audit's projections: incidents (pruned after their retention) and the reliability figures (kept for good). */
export type AuditState = { incidents: IncidentBook; reliability: ReliabilityBook };

/** Folds every event into the audit's projections; it reacts to nothing, it only remembers. */
export class AuditProcessor implements EventProcessor<AuditState> {
  readonly name = 'jarvis-audit';
  /** 2: incidents are kept per target and check (contracts v2). 3: the reliability figures. 4: incidents keep their consequences. 5: and their approval requests. */
  readonly stateVersion = 5;

  constructor(private readonly limits: IncidentBookLimits) {}

  initialState(): AuditState {
    return { incidents: emptyIncidentBook(), reliability: emptyReliabilityBook() };
  }

  evolve(state: AuditState, event: JarvisEvent): AuditState {
    evolveReliability(state.reliability, event);
    if (event.type === 'DetectionRecorded' && event.data.status !== 'failed') return state;
    return { incidents: evolveIncidents(state.incidents, event, this.limits), reliability: state.reliability };
  }

  handles(): boolean {
    return false;
  }

  concurrencyKey(): string {
    return 'audit';
  }

  async handle(): Promise<void> {}
}
