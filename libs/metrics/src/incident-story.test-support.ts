import { containerTarget, createEvent, type JarvisEvent } from '@jarvis/contracts';

/** Events of one incident on container `name`, stamped at fixed times so durations are exact. */
export class IncidentStory {
  private seq = 0;

  constructor(
    readonly name: string,
    readonly incidentId: string,
    private readonly faultAt = '2026-01-01T00:00:00.000Z',
  ) {}

  detected(atMs = 1_000): JarvisEvent {
    return this.event('DetectionRecorded', 'monitor', atMs, { check: 'container_state', status: 'failed', reason: 'exited', faultAt: this.faultAt });
  }

  opened(atMs = 2_000): JarvisEvent {
    return this.event('IncidentOpened', 'monitor', atMs, { check: 'container_state', detectionId: this.id(), faultAt: this.faultAt, summary: 'exited' });
  }

  decided(outcome: 'execute' | 'denied', rule: string, atMs = 2_500): JarvisEvent {
    return this.event('RemediationDecided', 'policy', atMs, { outcome, action: 'restart_container', params: {}, risk: 'low', rule, reason: 'test', attempt: 1, notBefore: this.at(atMs) });
  }

  succeeded(atMs = 3_000): JarvisEvent {
    return this.event('ActionSucceeded', 'executor', atMs, { decisionId: this.id(), action: 'restart_container', result: 'restarted', details: {}, durationMs: 1_500 });
  }

  failed(atMs = 3_000): JarvisEvent {
    return this.event('ActionFailed', 'executor', atMs, { decisionId: this.id(), action: 'restart_container', error: 'no such container', durationMs: 200 });
  }

  verified(atMs = 5_000): JarvisEvent {
    return this.event('VerificationPassed', 'monitor', atMs, { decisionId: this.id(), evidence: 'running' });
  }

  escalated(atMs = 6_000): JarvisEvent {
    return this.event('IncidentEscalated', 'policy', atMs, { rule: 'circuit_breaker', reason: 'too many restarts', attempts: 3 });
  }

  approvalRequested(atMs = 2_600): JarvisEvent {
    return this.event('ApprovalRequested', 'policy', atMs, {
      decisionId: this.id(),
      action: 'restart_container',
      params: {},
      risk: 'high',
      digest: 'a'.repeat(64),
      expiresAt: this.at(atMs + 60_000),
      reason: 'needs a person',
    });
  }

  maintenanceFinished(atMs = 7_000): JarvisEvent {
    return this.event('MaintenanceFinished', 'monitor', atMs, { schedule: 'nightly', outcome: 'done', reason: 'cleaned' });
  }

  resolved(atMs = 10_000): JarvisEvent {
    return this.event('IncidentResolved', 'monitor', atMs, { resolution: 'remediated', reason: 'running again' });
  }

  private event(type: JarvisEvent['type'], source: string, atMs: number, data: Record<string, unknown>): JarvisEvent {
    return createEvent({
      id: this.id(),
      type,
      source,
      time: this.at(atMs),
      subject: `container:${this.name}`,
      correlationId: this.incidentId,
      causationId: null,
      data: { target: containerTarget(this.name), ...data },
    } as never);
  }

  private at(ms: number): string {
    return new Date(Date.parse(this.faultAt) + ms).toISOString();
  }

  private id(): string {
    this.seq += 1;
    return `${this.incidentId.slice(0, 24)}${String(this.seq).padStart(12, '0')}`;
  }
}
