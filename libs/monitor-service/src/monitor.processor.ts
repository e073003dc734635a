import { setTimeout as sleep } from 'node:timers/promises';
import { derivedId, validateParams, type JarvisEvent, type JarvisEventOf } from '@jarvis/contracts';
import type { RemediationAction, VerificationVerdict } from '@jarvis/registry';
import type { EventProcessor, HandlerContext } from '@jarvis/event-log';
import { failingConsequences, type IncidentBookLimits } from '@jarvis/incidents';
import { inSpan, SPAN, eventAttributes, publishAttributes } from '@jarvis/telemetry';
import { caseEvents } from './case-events.js';
import { CORRELATION_LOCK, type TargetLocks } from './target-locks.js';
import { evolveMonitor, initialMonitorState, unverifiedActions, type MonitorState } from './monitor-state.js';

const VERIFY_POLL_MS = 200;

const ENDS_A_RUN: ReadonlySet<JarvisEvent['type']> = new Set(['ActionFailed', 'ActionRefused', 'DecisionSuperseded', 'RemediationDecided']);

type Succeeded = JarvisEventOf<'ActionSucceeded'>;
type Ctx = HandlerContext<MonitorState>;

/** Verifies every successful action by re-running its check: the incident resolves only once the fault is gone for good. */
export class MonitorProcessor implements EventProcessor<MonitorState> {
  readonly name = 'jarvis-monitor';
  /** 2: incidents are kept per target and check, and actions carry parameters (contracts v2). 3: incidents keep their consequences. 4: and their approval requests. */
  readonly stateVersion = 4;

  constructor(
    private readonly actions: ReadonlyMap<string, RemediationAction>,
    private readonly locks: TargetLocks,
    private readonly limits: IncidentBookLimits,
    /** The runner's deadline for one verification: the verification timeout plus the calls it makes. */
    readonly handlerTimeoutMs: number,
  ) {}

  initialState(): MonitorState {
    return initialMonitorState();
  }

  evolve(state: MonitorState, event: JarvisEvent): MonitorState {
    return evolveMonitor(state, event, this.limits);
  }

  /** Successful actions to verify; and for maintenance runs, whatever ends them (the handler ignores other cases). */
  handles(event: JarvisEvent): boolean {
    return event.type === 'ActionSucceeded' || ENDS_A_RUN.has(event.type);
  }

  concurrencyKey(event: JarvisEvent): string {
    return event.subject;
  }

  inFlight(state: MonitorState): JarvisEvent[] {
    return unverifiedActions(state);
  }

  async handle(event: JarvisEvent, ctx: Ctx): Promise<void> {
    const run = ctx.state().maintenanceRuns.get(event.correlationId);
    if (run) return this.finishRun(run, event, ctx);
    if (event.type !== 'ActionSucceeded') return;
    const incident = ctx.state().incidents.byId.get(event.correlationId);
    if (!incident || incident.status === 'resolved' || incident.pendingDecisionId !== event.data.decisionId) return;
    await inSpan(SPAN.verify, { parent: ctx.trace, attributes: eventAttributes(event) }, async () => {
      const verdict = await this.verdictOf(event, ctx);
      const verified = caseEvents.verification(event, verdict, ctx.now());
      await this.locks.run(event.subject, () => this.locks.run(CORRELATION_LOCK, async () => {
        await ctx.emit(verified);
        if (verified.type !== 'VerificationPassed') return;
        // With consequences still failing, the last one to pass again resolves the incident (or the grace escalates it).
        const verifiedIncident = ctx.state().incidents.byId.get(event.correlationId);
        if (verifiedIncident && failingConsequences(verifiedIncident).length > 0) return;
        const reason = `${event.data.action} verified: ${verified.data.evidence}`;
        const resolved = caseEvents.resolved(event.data.target, event.correlationId, 'remediated', reason, ctx.now(), derivedId('IncidentResolved', verified.id), verified.id);
        await inSpan(SPAN.resolve, { attributes: publishAttributes(resolved) }, () => ctx.emit(resolved));
      }));
    });
  }

  /**
   * A maintenance run ends with its verification (done or failed), its action's failure or refusal, or a decision
   * not to run it (a limit, or an approval it does not wait for): one MaintenanceFinished per run.
   */
  private async finishRun(run: JarvisEventOf<'MaintenanceStarted'>, event: JarvisEvent, ctx: Ctx): Promise<void> {
    const finish = (outcome: 'done' | 'failed' | 'skipped', reason: string) => ctx.emit(caseEvents.maintenanceFinished(run, outcome, reason, event.id, ctx.now()));
    if (event.type === 'ActionSucceeded') {
      const verified = caseEvents.verification(event, await this.verdictOf(event, ctx), ctx.now());
      await ctx.emit(verified);
      const details = Object.entries(event.data.details).map(([key, value]) => `${key} ${value}`).join(', ');
      const said = `${event.data.result}${details ? ` (${details})` : ''}`;
      return verified.type === 'VerificationPassed' ? finish('done', `${said}; verified: ${verified.data.evidence}`) : finish('failed', `${said}; ${verified.data.reason}`);
    }
    if (event.type === 'ActionFailed') return finish('failed', event.data.error);
    if (event.type === 'ActionRefused') return finish('skipped', `refused (${event.data.refusal}): ${event.data.reason}`);
    if (event.type === 'DecisionSuperseded') return finish('skipped', `not needed: ${event.data.evidence}`);
    if (event.type === 'RemediationDecided' && event.data.outcome !== 'execute') return finish('skipped', `${event.data.rule}: ${event.data.reason}`);
  }

  /** Polls the action's own verification until it passes or fails (it fails by itself at the verification timeout). */
  private async verdictOf(event: Succeeded, ctx: Ctx): Promise<Exclude<VerificationVerdict, { kind: 'pending' }>> {
    const action = this.actions.get(event.data.action);
    if (!action) return { kind: 'failed', reason: `no action ${event.data.action} in this build to verify` };
    const unverified = ctx.state().unverified.get(event.data.decisionId);
    const actionStartedAt = new Date(unverified?.startedAt ?? Date.parse(event.time) - event.data.durationMs);
    const params = validateParams(action.params, unverified?.params ?? { ...action.defaultParams(event.data.target) });
    if (!params.ok) return { kind: 'failed', reason: `cannot verify with the recorded parameters: ${params.errors.join('; ')}` };
    for (;;) {
      const verdict = await action.verify(event.data.target, params.value, actionStartedAt, ctx.now());
      if (verdict.kind !== 'pending') return verdict;
      ctx.inProgress();
      await sleep(VERIFY_POLL_MS);
    }
  }
}
