import { setTimeout as sleep } from 'node:timers/promises';
import { createEvent, derivedId, type JarvisEvent, type JarvisEventOf } from '@jarvis/contracts';
import { verifyContainer, type ContainerRuntime, type VerificationRules } from '@jarvis/checks';
import type { EventProcessor, HandlerContext } from '@jarvis/event-log';
import type { IncidentBookLimits } from '@jarvis/incidents';
import { inSpan, SPAN, eventAttributes } from '@jarvis/telemetry';
import type { TargetLocks } from './target-locks.js';
import { evolveMonitor, initialMonitorState, unverifiedActions, type MonitorState } from './monitor-state.js';

const VERIFY_POLL_MS = 200;

/** Verifies every successful action: the incident resolves only once the container is back and stays up. */
export class MonitorProcessor implements EventProcessor<MonitorState> {
  readonly name = 'jarvis-monitor';

  constructor(
    private readonly containers: ContainerRuntime,
    private readonly rules: VerificationRules,
    private readonly locks: TargetLocks,
    private readonly limits: IncidentBookLimits,
    /** The runner's deadline for one verification: the verification timeout plus the Docker calls it makes. */
    readonly handlerTimeoutMs: number,
  ) {}

  initialState(): MonitorState {
    return initialMonitorState();
  }

  evolve(state: MonitorState, event: JarvisEvent): MonitorState {
    return evolveMonitor(state, event, this.limits);
  }

  handles(event: JarvisEvent): boolean {
    return event.type === 'ActionSucceeded';
  }

  concurrencyKey(event: JarvisEvent): string {
    return event.subject;
  }

  inFlight(state: MonitorState): JarvisEvent[] {
    return unverifiedActions(state);
  }

  async handle(event: JarvisEvent, ctx: HandlerContext<MonitorState>): Promise<void> {
    if (event.type !== 'ActionSucceeded') return;
    const incident = ctx.state().incidents.byId.get(event.correlationId);
    if (!incident || incident.status === 'resolved' || incident.pendingDecisionId !== event.data.decisionId) return;
    await inSpan(SPAN.verify, { parent: ctx.trace, attributes: eventAttributes(event) }, async () => {
      const recordedStart = ctx.state().unverified.get(event.data.decisionId)?.startedAt;
      const actionStartedAt = new Date(recordedStart ?? Date.parse(event.time) - event.data.durationMs);
      for (;;) {
        const verdict = verifyContainer(await this.containers.inspect(event.data.target.name), actionStartedAt, ctx.now(), this.rules);
        if (verdict.kind === 'passed') {
          const passed = verification(event, 'VerificationPassed', { evidence: verdict.evidence }, ctx.now());
          await this.locks.run(event.subject, async () => {
            await ctx.emit(passed);
            await inSpan(SPAN.resolve, { attributes: eventAttributes(passed) }, () => ctx.emit(resolution(passed, ctx.now())));
          });
          return;
        }
        if (verdict.kind === 'failed') {
          await this.locks.run(event.subject, () => ctx.emit(verification(event, 'VerificationFailed', { reason: verdict.reason }, ctx.now())));
          return;
        }
        ctx.inProgress();
        await sleep(VERIFY_POLL_MS);
      }
    });
  }
}

function verification(
  action: JarvisEventOf<'ActionSucceeded'>,
  type: 'VerificationPassed' | 'VerificationFailed',
  fields: { evidence: string } | { reason: string },
  now: Date,
): JarvisEventOf<'VerificationPassed' | 'VerificationFailed'> {
  return createEvent({
    id: derivedId(type, action.data.decisionId),
    type,
    source: 'monitor',
    time: now.toISOString(),
    subject: action.subject,
    correlationId: action.correlationId,
    causationId: action.id,
    data: { target: action.data.target, decisionId: action.data.decisionId, ...fields },
  } as never);
}

function resolution(passed: JarvisEventOf<'VerificationPassed' | 'VerificationFailed'>, now: Date): JarvisEvent {
  return createEvent({
    id: derivedId('IncidentResolved', passed.id),
    type: 'IncidentResolved',
    source: 'monitor',
    time: now.toISOString(),
    subject: passed.subject,
    correlationId: passed.correlationId,
    causationId: passed.id,
    data: { target: passed.data.target, resolution: 'remediated', reason: 'restarted and verified' },
  });
}
