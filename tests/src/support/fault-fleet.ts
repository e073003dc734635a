import type { JarvisEvent } from '@jarvis/contracts';

export type FleetLimits = {
  containers: number;
  /** Faults whose case is still open, at most; of these, crashed containers (Docker restarts are the slow part). */
  inFlight: number;
  containersInFlight: number;
  /** Longer than a probe interval: a reading taken before a fix is told before the target is broken again. */
  settleAfterCloseMs: number;
};

/** A target the test breaks: a watched container (crashed) or a disk (filled with old temp files). */
export type FaultTarget = { subject: string; kind: 'container' | 'disk'; name: string };

/** The targets as the event store tells their cases: a target is broken again only once its last case closed. */
export class Fleet {
  readonly targets: FaultTarget[];
  /** Targets broken by the test whose case has not closed yet, with when they were broken. */
  readonly brokenAt = new Map<string, number>();
  readonly escalated = new Set<string>();
  private readonly open = new Map<string, Set<string>>();
  private readonly lastClosedAt = new Map<string, number>();
  injected = 0;
  closed = 0;

  constructor(
    readonly mounts: readonly string[],
    private readonly limits: FleetLimits,
  ) {
    const containers = Array.from({ length: limits.containers }, (_, i): FaultTarget => ({ subject: `container:svc-${i}`, kind: 'container', name: `svc-${i}` }));
    const disks = mounts.map((mount): FaultTarget => ({ subject: `disk:${mount}`, kind: 'disk', name: mount }));
    this.targets = [...containers, ...disks];
  }

  containers(): string[] {
    return this.targets.filter((t) => t.kind === 'container').map((t) => t.name);
  }

  observe(event: JarvisEvent): void {
    if (event.type === 'IncidentOpened') this.openCases(event.subject).add(event.correlationId);
    if (event.type !== 'IncidentResolved' && event.type !== 'IncidentEscalated') return;
    this.openCases(event.subject).delete(event.correlationId);
    this.lastClosedAt.set(event.subject, Date.now());
    const broken = this.brokenAt.get(event.subject);
    if (broken === undefined || Date.parse(event.time) < broken) return;
    this.brokenAt.delete(event.subject);
    this.closed += 1;
    if (event.type === 'IncidentEscalated') this.escalated.add(event.subject);
  }

  /**
   * Targets that may be broken now: no case open, and a probe interval since the last one closed, so a reading
   * taken before the fix is recorded before the next fault (it may open a case of its own, closed as recovered).
   */
  breakable(now: number): FaultTarget[] {
    if (this.brokenAt.size >= this.limits.inFlight) return [];
    const containersFull = this.targets.filter((t) => t.kind === 'container' && this.brokenAt.has(t.subject)).length >= this.limits.containersInFlight;
    return this.targets.filter(
      (t) =>
        !this.brokenAt.has(t.subject) &&
        !this.escalated.has(t.subject) &&
        this.openCases(t.subject).size === 0 &&
        now - (this.lastClosedAt.get(t.subject) ?? 0) >= this.limits.settleAfterCloseMs &&
        !(containersFull && t.kind === 'container'),
    );
  }

  private openCases(subject: string): Set<string> {
    let cases = this.open.get(subject);
    if (!cases) this.open.set(subject, (cases = new Set()));
    return cases;
  }

  /** Targets never escalated: each must be healthy at the end. */
  healed(): FaultTarget[] {
    return this.targets.filter((t) => !this.escalated.has(t.subject));
  }

  progress(): string {
    return `${this.injected} faults injected, ${this.closed} cases closed, ${this.brokenAt.size} open (${[...this.brokenAt.keys()].join(', ')}), ${this.escalated.size} escalated`;
  }
}
