import { assertNever, targetKey, type JarvisEvent } from '@jarvis/contracts';
import { beforeDeleting, keepNewest } from '@jarvis/ordered-maps';

/** What the metrics need to know of an incident still open (or escalated) when it ends. */
export type OpenCase = { target: string; check: string; faultAtMs: number; lastAction: string | null };

/** Beyond this many open incidents the oldest are forgotten: the gauge stays bounded whatever the log holds. */
const MAX_OPEN = 10_000;
/** Closed incidents remembered so a late redelivery of their opening does not reopen them. */
const MAX_CLOSED = 10_000;

/**
 * The incidents open and the breakers tripped, folded from every event the process sees (replayed and live, from
 * any of its consumers, in any order, more than once). Each step is idempotent for that reason: an opening after
 * its resolution is ignored, and a breaker keeps the newest decision by event time.
 */
export class CaseBook {
  private readonly open = new Map<string, OpenCase>();
  private readonly closed = new Set<string>();
  /** Every target and check that had an incident: bounded by the config's targets and their checks. */
  private readonly pairs = new Map<string, { target: string; check: string }>();
  private readonly breakers = new Map<string, { tripped: boolean; atMs: number }>();

  apply(event: JarvisEvent): void {
    switch (event.type) {
      case 'IncidentOpened':
        return this.opened(event.correlationId, { target: targetKey(event.data.target), check: event.data.check, faultAtMs: Date.parse(event.data.faultAt), lastAction: null });
      case 'ActionSucceeded':
        return this.update(event.correlationId, (c) => (c.lastAction = event.data.action));
      case 'IncidentResolved':
        return this.resolved(event.correlationId);
      case 'RemediationDecided':
        return this.decided(targetKey(event.data.target), event.data.outcome === 'denied' && event.data.rule === 'circuit_breaker', Date.parse(event.time));
      case 'DetectionRecorded':
      case 'IncidentEscalated':
      case 'ActionStarted':
      case 'ActionFailed':
      case 'ActionRefused':
      case 'DecisionSuperseded':
      case 'VerificationPassed':
      case 'VerificationFailed':
      case 'ApprovalRequested':
      case 'ApprovalGranted':
      case 'ApprovalRejected':
      case 'ApprovalExpired':
      case 'ApprovalRefused':
      case 'MaintenanceStarted':
      case 'MaintenanceFinished':
      case 'ConfigEditProposed':
      case 'ConfigValidated':
      case 'ConfigBackedUp':
      case 'ConfigApplied':
      case 'ConfigRolledBack':
      case 'ConfigEditFailed':
      case 'ConsequenceLinked':
      case 'ConsequenceRecovered':
      case 'CheckConfirmed':
      case 'ConfigKnownGoodRecorded':
        return;
      default:
        return assertNever(event);
    }
  }

  caseOf(incidentId: string): OpenCase | undefined {
    return this.open.get(incidentId);
  }

  /**
   * Open (including escalated) incidents per target and check, with a zero for every pair that had one before:
   * a healthy target shows 0 rather than vanishing from the dashboard.
   */
  openCounts(): { target: string; check: string; open: number }[] {
    const counts = new Map([...this.pairs].map(([key, pair]) => [key, { ...pair, open: 0 }]));
    for (const incident of this.open.values()) {
      const entry = counts.get(pairKey(incident)) ?? { target: incident.target, check: incident.check, open: 0 };
      entry.open += 1;
      counts.set(pairKey(incident), entry);
    }
    return [...counts.values()];
  }

  /** Every target a decision was seen for: true while its latest decision was a circuit-breaker denial. */
  breakerStates(): Map<string, boolean> {
    return new Map([...this.breakers].map(([target, state]) => [target, state.tripped]));
  }

  private opened(id: string, incident: OpenCase): void {
    if (this.closed.has(id) || this.open.has(id)) return;
    this.open.set(id, incident);
    this.pairs.set(pairKey(incident), { target: incident.target, check: incident.check });
    keepNewest(this.pairs, MAX_OPEN);
    keepNewest(this.open, MAX_OPEN);
  }

  private update(id: string, change: (incident: OpenCase) => void): void {
    const incident = this.open.get(id);
    if (incident) change(incident);
  }

  private resolved(id: string): void {
    beforeDeleting(this.open, id);
    this.open.delete(id);
    this.closed.add(id);
    keepNewest(this.closed, MAX_CLOSED);
  }

  private decided(target: string, tripped: boolean, atMs: number): void {
    const known = this.breakers.get(target);
    if (known && known.atMs > atMs) return;
    this.breakers.set(target, { tripped, atMs });
  }
}

function pairKey(incident: { target: string; check: string }): string {
  return `${incident.target} ${incident.check}`;
}
