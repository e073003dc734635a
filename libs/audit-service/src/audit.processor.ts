import type { JarvisEvent } from '@jarvis/contracts';
import type { EventProcessor } from '@jarvis/event-log';
import { emptyIncidentBook, evolveIncidents, type IncidentBook, type IncidentBookLimits } from '@jarvis/incidents';

/** Folds every event into the incident projection; it reacts to nothing, it only remembers. */
export class AuditProcessor implements EventProcessor<IncidentBook> {
  readonly name = 'jarvis-audit';
  /** 2: incidents are kept per target and check (contracts v2). */
  readonly stateVersion = 2;

  constructor(private readonly limits: IncidentBookLimits) {}

  initialState(): IncidentBook {
    return emptyIncidentBook();
  }

  evolve(state: IncidentBook, event: JarvisEvent): IncidentBook {
    if (event.type === 'DetectionRecorded' && event.data.status !== 'failed') return state;
    return evolveIncidents(state, event, this.limits);
  }

  handles(): boolean {
    return false;
  }

  concurrencyKey(): string {
    return 'audit';
  }

  async handle(): Promise<void> {}
}
