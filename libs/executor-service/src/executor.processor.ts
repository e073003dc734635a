import { setTimeout as sleep } from 'node:timers/promises';
import type { ContainerRuntime } from '@jarvis/checks';
import type { WatchConfig } from '@jarvis/config';
import { createEvent, derivedId, type JarvisEvent, type JarvisEventOf } from '@jarvis/contracts';
import type { EventProcessor, HandleResult, HandlerContext } from '@jarvis/event-log';
import type { RemediationAction } from '@jarvis/remediation';
import { ATTR, inSpan, SPAN, eventAttributes, type Span } from '@jarvis/telemetry';
import { judgeReobservation, refusalOf, type Refusal } from './decision-guards.js';
import { appendPatiently, type AppendRetry } from './append-patiently.js';
import { evolveExecutor, initialExecutorState, interruptedDecisions, type ExecutorState } from './executor-state.js';

type Decision = JarvisEventOf<'RemediationDecided'>;
type Ctx = HandlerContext<ExecutorState>;

const RESUME_POLL_MS = 250;

export type ExecutorSettings = {
  watch: WatchConfig;
  maxDecisionAgeMs: number;
  closedCaseRetentionMs: number;
  /** How long an interrupted action may still be completing (Docker finishes a restart its client abandoned). */
  actionDeadlineMs: number;
  appendRetry: AppendRetry;
  /** The runner's deadline for one handling: above the longest legitimate one. */
  handlerTimeoutMs: number;
};

/**
 * Carries out execute decisions it can trust. The decision id is the idempotency key: ActionStarted is stored
 * before the action runs (no audit record, no action), and a redelivered decision whose action was started by a
 * run that died (or could not store the outcome) is resumed by asking the action whether its effect already happened.
 */
export class ExecutorProcessor implements EventProcessor<ExecutorState> {
  readonly name = 'jarvis-executor';
  readonly handlerTimeoutMs: number;

  constructor(
    private readonly actions: Map<string, RemediationAction>,
    private readonly containers: ContainerRuntime,
    private readonly settings: ExecutorSettings,
  ) {
    this.handlerTimeoutMs = settings.handlerTimeoutMs;
  }

  initialState(): ExecutorState {
    return initialExecutorState();
  }

  evolve(state: ExecutorState, event: JarvisEvent): ExecutorState {
    return evolveExecutor(state, event, this.settings.closedCaseRetentionMs);
  }

  handles(event: JarvisEvent): boolean {
    return event.type === 'RemediationDecided' && event.data.outcome === 'execute';
  }

  concurrencyKey(event: JarvisEvent): string {
    return event.subject;
  }

  inFlight(state: ExecutorState): JarvisEvent[] {
    return interruptedDecisions(state);
  }

  async handle(event: JarvisEvent, ctx: Ctx): Promise<HandleResult> {
    if (event.type !== 'RemediationDecided') return;
    const record = ctx.state().actions.get(event.id);
    if (record?.finished) return;
    const attributes = { ...eventAttributes(event), [ATTR.action]: event.data.action };
    return inSpan(SPAN.act, { parent: ctx.trace, attributes }, (span) => this.carryOut(event, record?.startedAt ?? null, ctx, span));
  }

  private async carryOut(decision: Decision, startedAt: string | null, ctx: Ctx, span: Span): Promise<HandleResult> {
    const known = this.actions.get(decision.data.action);
    if (startedAt && known && (await this.completedElsewhere(decision, known, startedAt, ctx))) {
      await this.store(ctx, outcome(decision, 'ActionSucceeded', { result: 'completed before this executor restarted', durationMs: 0 }, ctx.now()));
      return;
    }
    if (!(await this.trustedAction(decision, ctx))) return;
    const waitMs = Date.parse(decision.data.notBefore) - ctx.now().getTime();
    if (!startedAt && waitMs > 0) return { retryAfterMs: waitMs };
    if (await this.settledByLookingAgain(decision, ctx, span)) return;
    // Looking again can take a while (a slow engine): the incident may have been resolved or escalated meanwhile.
    const action = await this.trustedAction(decision, ctx);
    if (action) await this.run(decision, action, ctx, span);
    return;
  }

  /** The action to carry out, or null once the refusal is recorded: what the log alone says against the decision. */
  private async trustedAction(decision: Decision, ctx: Ctx): Promise<RemediationAction | null> {
    const action = this.actions.get(decision.data.action);
    const refusal = refusalOf(ctx.state(), decision, Boolean(action?.appliesTo(decision.data.target)), ctx.now(), this.settings);
    if (refusal) await this.store(ctx, refused(decision, refusal, ctx.now()));
    return refusal === null && action ? action : null;
  }

  /** Re-observes the target: records why nothing is done and returns true, or returns false when the fault holds. */
  private async settledByLookingAgain(decision: Decision, ctx: Ctx, span: Span): Promise<boolean> {
    let snapshot;
    try {
      snapshot = await this.containers.inspect(decision.data.target.name);
    } catch (error) {
      // Fail closed: an engine that cannot be read is no ground for acting, and the policy's backoff applies.
      span.recordException(error as Error);
      await this.store(ctx, outcome(decision, 'ActionFailed', { error: `could not look at the target again: ${message(error)}`, durationMs: 0 }, ctx.now()));
      return true;
    }
    const verdict = judgeReobservation(snapshot, this.settings.watch, ctx.now());
    if (verdict.kind === 'fault_holds') return false;
    await this.store(ctx, verdict.kind === 'refused' ? refused(decision, verdict.refusal, ctx.now()) : superseded(decision, verdict.evidence, ctx.now()));
    return true;
  }

  private async run(decision: Decision, action: RemediationAction, ctx: Ctx, span: Span): Promise<void> {
    if (!ctx.state().actions.get(decision.id)?.startedAt) await ctx.emit(started(decision, ctx.now()));
    const startedMs = ctx.now().getTime();
    let result: string;
    try {
      result = (await action.execute(decision.data.target)).result;
    } catch (error) {
      span.recordException(error as Error);
      await this.store(ctx, outcome(decision, 'ActionFailed', { error: message(error), durationMs: ctx.now().getTime() - startedMs }, ctx.now()));
      return;
    }
    // The effect has happened: from here an append failure is retried, never reported as the action failing.
    await this.store(ctx, outcome(decision, 'ActionSucceeded', { result, durationMs: ctx.now().getTime() - startedMs }, ctx.now()));
  }

  private store(ctx: Ctx, event: JarvisEvent): Promise<void> {
    return appendPatiently(() => ctx.emit(event), this.settings.appendRetry, () => ctx.inProgress());
  }

  /** Waits (bounded) for an interrupted action to show its effect before concluding it must run again. */
  private async completedElsewhere(decision: Decision, action: RemediationAction, startedAt: string, ctx: Ctx): Promise<boolean> {
    const since = new Date(decision.time);
    const deadline = Date.parse(startedAt) + this.settings.actionDeadlineMs;
    for (;;) {
      if (await action.alreadyDone(decision.data.target, since)) return true;
      if (ctx.now().getTime() >= deadline) return false;
      ctx.inProgress();
      await sleep(RESUME_POLL_MS);
    }
  }
}

function message(error: unknown): string {
  return (error as Error).message.slice(0, 1000);
}

function envelope(decision: Decision, type: JarvisEvent['type'], now: Date) {
  return {
    id: derivedId(type, decision.id),
    source: 'executor' as const,
    time: now.toISOString(),
    subject: decision.subject,
    correlationId: decision.correlationId,
    causationId: decision.id,
  };
}

function actionData(decision: Decision) {
  return { target: decision.data.target, decisionId: decision.id, action: decision.data.action };
}

function started(decision: Decision, now: Date): JarvisEvent {
  return createEvent({ ...envelope(decision, 'ActionStarted', now), type: 'ActionStarted', data: { ...actionData(decision), attempt: decision.data.attempt } });
}

function refused(decision: Decision, { refusal, reason }: Refusal, now: Date): JarvisEvent {
  return createEvent({ ...envelope(decision, 'ActionRefused', now), type: 'ActionRefused', data: { ...actionData(decision), refusal, reason } });
}

function superseded(decision: Decision, evidence: string, now: Date): JarvisEvent {
  return createEvent({ ...envelope(decision, 'DecisionSuperseded', now), type: 'DecisionSuperseded', data: { ...actionData(decision), evidence } });
}

function outcome<T extends 'ActionSucceeded' | 'ActionFailed'>(
  decision: Decision,
  type: T,
  fields: T extends 'ActionSucceeded' ? { result: string; durationMs: number } : { error: string; durationMs: number },
  now: Date,
): JarvisEvent {
  return createEvent({ ...envelope(decision, type, now), type, data: { ...actionData(decision), ...fields } } as never);
}
