import { setTimeout as sleep } from 'node:timers/promises';
import { createEvent, derivedId, targetKey, validateParams, type ActionDetails, type JarvisEvent, type JarvisEventOf } from '@jarvis/contracts';
import type { EventProcessor, HandleResult, HandlerContext } from '@jarvis/event-log';
import type { ActionRun, FaultInQuestion, RemediationAction } from '@jarvis/registry';
import { inSpan, SPAN, eventAttributes, type Span } from '@jarvis/telemetry';
import { judgeDecision, type GuardRules, type Refusal, type TrustedDecision } from './decision-guards.js';
import { appendPatiently, type AppendRetry } from './append-patiently.js';
import { evolveExecutor, initialExecutorState, interruptedDecisions, type ExecutorState } from './executor-state.js';

type Decision = JarvisEventOf<'RemediationDecided'>;
type Ctx = HandlerContext<ExecutorState>;

const RESUME_POLL_MS = 250;

export type ExecutorSettings = GuardRules & {
  closedCaseRetentionMs: number;
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

  /** 2: actions carry parameters (contracts v2). 3: a started run's config edit outcome is folded from the editor's events. 4: cases keep their fault. */
  readonly stateVersion = 4;

  constructor(
    private readonly actions: ReadonlyMap<string, RemediationAction>,
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
    return inSpan(SPAN.act, { parent: ctx.trace, attributes: eventAttributes(event) }, (span) => this.carryOut(event, record?.startedAt ?? null, ctx, span));
  }

  private async carryOut(decision: Decision, startedAt: string | null, ctx: Ctx, span: Span): Promise<HandleResult> {
    const resumable = startedAt ? this.trustedAsStarted(decision) : null;
    // Started means it may have acted: finish it with a result, never with a refusal or a supersession of a decision
    // whose action already ran (waiting out a deadline for what alreadyDone cannot see would make it stale).
    if (resumable?.action.rerunsWhenInterrupted) return this.run(decision, resumable, ctx, span);
    if (startedAt && resumable?.action.editsConfig) return this.resumeEdit(decision, resumable, startedAt, ctx, span);
    if (startedAt && resumable && (await this.completedElsewhere(decision, resumable, startedAt, ctx))) {
      await this.store(ctx, outcome(decision, 'ActionSucceeded', { result: 'completed before this executor restarted', details: {}, durationMs: 0 }, ctx.now()));
      return;
    }
    if (!(await this.trusted(decision, ctx))) return;
    const waitMs = Date.parse(decision.data.notBefore) - ctx.now().getTime();
    if (!startedAt && waitMs > 0) return { retryAfterMs: waitMs };
    if (await this.settledByLookingAgain(decision, ctx, span)) return;
    // Looking again can take a while (a slow engine): the incident may have been resolved or escalated meanwhile.
    const trusted = await this.trusted(decision, ctx);
    if (trusted) await this.run(decision, trusted, ctx, span);
    return;
  }

  /** The action and its parameters, or null once the refusal is recorded: what the log alone says against the decision. */
  private async trusted(decision: Decision, ctx: Ctx): Promise<TrustedDecision | null> {
    const judged = judgeDecision(ctx.state(), decision, this.actions, ctx.now(), this.settings);
    if ('refused' in judged) {
      await this.store(ctx, refused(decision, judged.refused, ctx.now()));
      return null;
    }
    return judged;
  }

  /** An action this executor already started: only its identity matters now, the case may have moved on since. */
  private trustedAsStarted(decision: Decision): TrustedDecision | null {
    const action = this.actions.get(decision.data.action);
    const params = action && action.kind === decision.data.target.kind ? validateParams(action.params, decision.data.params) : null;
    return action && params?.ok ? { action, params: params.value } : null;
  }

  /**
   * Re-observes the target: records why nothing is done and returns true, or returns false when the fault holds (or,
   * for a maintenance run, when the target is still one the action may touch).
   */
  private async settledByLookingAgain(decision: Decision, ctx: Ctx, span: Span): Promise<boolean> {
    const action = this.actions.get(decision.data.action)!;
    let verdict;
    try {
      verdict = await action.reobserve(decision.data.target, ctx.now(), faultAnswered(decision, ctx.state()));
    } catch (error) {
      // Fail closed: a target that cannot be read is no ground for acting, and the policy's backoff applies.
      span.recordException(error as Error);
      await this.store(ctx, outcome(decision, 'ActionFailed', { error: `could not look at the target again: ${message(error)}`, durationMs: 0 }, ctx.now()));
      return true;
    }
    // A maintenance run is proactive: a healthy target is why it runs, not a reason to stand down.
    const maintenance = ctx.state().cases.get(decision.correlationId)?.maintenance ?? false;
    if (verdict.kind === 'fault_holds' || (verdict.kind === 'superseded' && maintenance)) return false;
    const fact = verdict.kind === 'not_watched' ? refused(decision, { refusal: 'target_not_watched', reason: verdict.reason }, ctx.now()) : superseded(decision, verdict.evidence, ctx.now());
    await this.store(ctx, fact);
    return true;
  }

  private async run(decision: Decision, { action, params }: TrustedDecision, ctx: Ctx, span: Span): Promise<void> {
    // Stored before acting, patiently: an acknowledgement lost to a NATS drop must not abandon the action after the
    // start was recorded, or its redelivery would wait out the action's deadline for an effect that never came.
    if (!ctx.state().actions.get(decision.id)?.startedAt) await this.store(ctx, started(decision, params, ctx.now()));
    const startedMs = ctx.now().getTime();
    let done: { result: string; details: ActionDetails };
    try {
      done = await action.execute(decision.data.target, params, AbortSignal.timeout(action.deadlineMs), runOf(decision));
    } catch (error) {
      span.recordException(error as Error);
      await this.store(ctx, outcome(decision, 'ActionFailed', { error: message(error), durationMs: ctx.now().getTime() - startedMs }, ctx.now()));
      return;
    }
    // The effect has happened: from here an append failure is retried, never reported as the action failing.
    await this.store(ctx, outcome(decision, 'ActionSucceeded', { ...done, durationMs: ctx.now().getTime() - startedMs }, ctx.now()));
  }

  /**
   * A run whose config edit a crash interrupted: the editor's events for this run say how far it got. Not applied
   * (rolled back, failed): the run failed, as it would have. No outcome yet: run again at once, since the editor
   * applies once per action id and answers a repeat with the recorded outcome (after one still under way), and the
   * action's later steps start only on an `applied` answer, which follows ConfigApplied in the log, so none runs.
   * Applied: a later step (a forced ddclient update) may still be running in a child the crash left, so its effect
   * is waited for as for any action; then the run is repeated, its edit answered from the record.
   */
  private async resumeEdit(decision: Decision, trusted: TrustedDecision, startedAt: string, ctx: Ctx, span: Span): Promise<void> {
    const edit = ctx.state().actions.get(decision.id)?.edit ?? null;
    if (edit === null) return this.run(decision, trusted, ctx, span);
    if (!edit.applied) return this.store(ctx, outcome(decision, 'ActionFailed', { error: `the config editor did not apply the edit (${edit.reason})`, durationMs: 0 }, ctx.now()));
    if (await this.completedElsewhere(decision, trusted, startedAt, ctx)) {
      return this.store(ctx, outcome(decision, 'ActionSucceeded', { result: 'edit applied and completed before this executor restarted', details: {}, durationMs: 0 }, ctx.now()));
    }
    return this.run(decision, trusted, ctx, span);
  }

  private store(ctx: Ctx, event: JarvisEvent): Promise<void> {
    return appendPatiently(() => ctx.emit(event), this.settings.appendRetry, () => ctx.inProgress());
  }

  /** Waits (bounded) for an interrupted action to show its effect before concluding it must run again. */
  private async completedElsewhere(decision: Decision, { action, params }: TrustedDecision, startedAt: string, ctx: Ctx): Promise<boolean> {
    const since = new Date(decision.time);
    const deadline = Date.parse(startedAt) + action.deadlineMs;
    for (;;) {
      if (await action.alreadyDone(decision.data.target, params, since)) return true;
      if (ctx.now().getTime() >= deadline) return false;
      ctx.inProgress();
      await sleep(RESUME_POLL_MS);
    }
  }
}

/** The incident's own fault, when the decision answers it on the incident's target (not a consequence's). */
function faultAnswered(decision: Decision, state: ExecutorState): FaultInQuestion | undefined {
  const view = state.cases.get(decision.correlationId);
  if (!view?.fault || decision.data.consequenceCheck !== undefined || view.target !== targetKey(decision.data.target)) return undefined;
  return { check: view.fault.check, faultAt: new Date(view.fault.faultAt) };
}

/** The run's ids: the ActionStarted id (derived from the decision, so a resumed run keeps it), the case, the grant. */
function runOf(decision: Decision): ActionRun {
  const approvalId = decision.data.approvalId;
  return { actionId: derivedId('ActionStarted', decision.id), caseId: decision.correlationId, ...(approvalId ? { approvalId } : {}) };
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

function started(decision: Decision, params: object, now: Date): JarvisEvent {
  const data = { ...actionData(decision), attempt: decision.data.attempt, params: { ...params } };
  return createEvent({ ...envelope(decision, 'ActionStarted', now), type: 'ActionStarted', data });
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
  fields: T extends 'ActionSucceeded' ? { result: string; details: ActionDetails; durationMs: number } : { error: string; durationMs: number },
  now: Date,
): JarvisEvent {
  return createEvent({ ...envelope(decision, type, now), type, data: { ...actionData(decision), ...fields } } as never);
}
