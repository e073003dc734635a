import { setTimeout as sleep } from 'node:timers/promises';
import { createEvent, derivedId, type JarvisEvent, type JarvisEventOf } from '@jarvis/contracts';
import type { EventProcessor, HandleResult, HandlerContext } from '@jarvis/event-log';
import type { RemediationAction } from '@jarvis/remediation';
import { ATTR, inSpan, SPAN, eventAttributes, type Span } from '@jarvis/telemetry';
import { evolveExecutor, interruptedDecisions, type ExecutorState } from './executor-state.js';

type Decision = JarvisEventOf<'RemediationDecided'>;

const RESUME_POLL_MS = 250;

/**
 * Carries out execute decisions. The decision id is the idempotency key: ActionStarted is stored before the
 * action runs (no audit record, no action), and a redelivered decision whose action was started by a process that
 * died is resumed by asking the action whether its effect already happened.
 */
export class ExecutorProcessor implements EventProcessor<ExecutorState> {
  readonly name = 'jarvis-executor';

  constructor(
    private readonly actions: Map<string, RemediationAction>,
    /** How long an interrupted action may still be completing (Docker finishes a restart its client abandoned). */
    private readonly actionDeadlineMs: number,
  ) {}

  initialState(): ExecutorState {
    return new Map();
  }

  evolve(state: ExecutorState, event: JarvisEvent): ExecutorState {
    return evolveExecutor(state, event);
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

  async handle(event: JarvisEvent, ctx: HandlerContext<ExecutorState>): Promise<HandleResult> {
    if (event.type !== 'RemediationDecided') return;
    const record = ctx.state().get(event.id);
    if (record?.finished) return;
    const waitMs = Date.parse(event.data.notBefore) - ctx.now().getTime();
    if (!record?.startedAt && waitMs > 0) return { retryAfterMs: waitMs };
    const action = this.actions.get(event.data.action);
    return inSpan(SPAN.act, { parent: ctx.trace, attributes: { ...eventAttributes(event), [ATTR.action]: event.data.action } }, async (span) => {
      if (!action || !action.appliesTo(event.data.target)) {
        await ctx.emit(outcome(event, 'ActionFailed', { error: `no action "${event.data.action}" for ${event.subject}`, durationMs: 0 }, ctx.now()));
        return;
      }
      if (record?.startedAt && (await this.completedElsewhere(event, action, record.startedAt, ctx))) {
        await ctx.emit(outcome(event, 'ActionSucceeded', { result: 'completed before this executor restarted', durationMs: 0 }, ctx.now()));
        return;
      }
      await this.run(event, action, ctx, span);
    });
  }

  private async run(decision: Decision, action: RemediationAction, ctx: HandlerContext<ExecutorState>, span: Span): Promise<void> {
    if (!ctx.state().get(decision.id)?.startedAt) {
      await ctx.emit(
        createEvent({
          id: derivedId('ActionStarted', decision.id),
          type: 'ActionStarted',
          source: 'executor',
          time: ctx.now().toISOString(),
          subject: decision.subject,
          correlationId: decision.correlationId,
          causationId: decision.id,
          data: { target: decision.data.target, decisionId: decision.id, action: decision.data.action, attempt: decision.data.attempt },
        }),
      );
    }
    const started = ctx.now().getTime();
    try {
      const { result } = await action.execute(decision.data.target);
      await ctx.emit(outcome(decision, 'ActionSucceeded', { result, durationMs: ctx.now().getTime() - started }, ctx.now()));
    } catch (error) {
      span.recordException(error as Error);
      await ctx.emit(outcome(decision, 'ActionFailed', { error: (error as Error).message.slice(0, 1000), durationMs: ctx.now().getTime() - started }, ctx.now()));
    }
  }

  /** Waits (bounded) for an interrupted action to show its effect before concluding it must run again. */
  private async completedElsewhere(decision: Decision, action: RemediationAction, startedAt: string, ctx: HandlerContext<ExecutorState>): Promise<boolean> {
    const since = new Date(decision.time);
    const deadline = Date.parse(startedAt) + this.actionDeadlineMs;
    for (;;) {
      if (await action.alreadyDone(decision.data.target, since)) return true;
      if (ctx.now().getTime() >= deadline) return false;
      ctx.inProgress();
      await sleep(RESUME_POLL_MS);
    }
  }
}

function outcome<T extends 'ActionSucceeded' | 'ActionFailed'>(
  decision: Decision,
  type: T,
  fields: T extends 'ActionSucceeded' ? { result: string; durationMs: number } : { error: string; durationMs: number },
  now: Date,
): JarvisEvent {
  return createEvent({
    id: derivedId(type, decision.id),
    type,
    source: 'executor',
    time: now.toISOString(),
    subject: decision.subject,
    correlationId: decision.correlationId,
    causationId: decision.id,
    data: { target: decision.data.target, decisionId: decision.id, action: decision.data.action, ...fields },
  } as never);
}
