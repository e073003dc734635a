import type { JarvisEvent } from '@jarvis/contracts';
import type { JarvisConfig } from '@jarvis/config';
import type { EventProcessor, HandlerContext } from '@jarvis/event-log';
import {
  decideConsequenceRemediation,
  decideOnGrant,
  decideOnUnanswered,
  decideRemediation,
  dueRateLimitRetries,
  expiredApprovals,
  evolvePolicy,
  initialPolicyState,
  isConsequenceTrigger,
  isTrigger,
  overdueDecisions,
  unansweredGrants,
  undecidedTriggers,
  type RemediationChooser,
  type PolicyState,
} from '@jarvis/policy';
import { ATTR, inSpan, SPAN, eventAttributes, type Context } from '@jarvis/telemetry';
import type { ApprovalDiffs } from './approval-diffs.js';
import { remediationChooser } from './remediation-chooser.js';

type RecordFact = (event: JarvisEvent, parent?: Context) => Promise<void>;

/**
 * Turns detections and failed attempts into decisions, and its sweep turns silence into escalations and rate-limit
 * waits into new decisions. One thing at a time (handlers and sweep share one lock), so every decision sees the
 * previous one and an incident never gets two decisions at once.
 */
export class PolicyProcessor implements EventProcessor<PolicyState> {
  readonly name = 'jarvis-policy';
  /**
   * 2: incidents are kept per target and check, and the rate limit counts every action (contracts v2). 3: decisions
   * remember their action and target, consequences their approval request.
   */
  readonly stateVersion = 3;
  private exclusive: Promise<unknown> = Promise.resolve();
  private readonly choose: RemediationChooser;

  constructor(
    private readonly config: JarvisConfig,
    /** Without it, approval requests carry no diff (a policy with no config editor to ask). */
    private readonly diffs?: ApprovalDiffs,
  ) {
    this.choose = remediationChooser(config);
  }

  initialState(): PolicyState {
    return initialPolicyState();
  }

  evolve(state: PolicyState, event: JarvisEvent): PolicyState {
    return evolvePolicy(state, event, this.config.events.closedCaseRetentionHours * 3_600_000);
  }

  handles(event: JarvisEvent): boolean {
    return isTrigger(event) || isConsequenceTrigger(event) || event.type === 'ApprovalGranted' || event.type === 'ApprovalRejected' || event.type === 'ApprovalExpired';
  }

  concurrencyKey(): string {
    return 'policy';
  }

  inFlight(state: PolicyState): JarvisEvent[] {
    return [...undecidedTriggers(state), ...unansweredGrants(state)];
  }

  handle(event: JarvisEvent, ctx: HandlerContext<PolicyState>): Promise<void> {
    if (!this.handles(event)) return Promise.resolve();
    return this.oneAtATime(async () => {
      const facts = this.decide(event, ctx.state(), ctx.now());
      if (facts.length > 0) await this.recordDecided(facts, (fact, parent) => ctx.emit(fact, parent), ctx.trace, event);
    });
  }

  /** An answer to a request, the incident's own trigger, or else what moves its consequences on once the root is verified. */
  private decide(event: JarvisEvent, state: PolicyState, now: Date): JarvisEvent[] {
    if (event.type === 'ApprovalGranted') return decideOnGrant(state, event, now);
    if (event.type === 'ApprovalRejected' || event.type === 'ApprovalExpired') return decideOnUnanswered(state, event, now);
    const own = isTrigger(event) ? decideRemediation(state, event, this.config.policy, now, this.choose) : [];
    if (own.length > 0 || !isConsequenceTrigger(event)) return own;
    return decideConsequenceRemediation(state, event, this.config.policy, now, this.choose.choose);
  }

  /**
   * Escalates decisions stuck past policy.decisionTimeoutSeconds, expires unanswered approval requests, and decides
   * rate-limited incidents whose wait is over.
   */
  sweep(state: () => PolicyState, now: Date, record: RecordFact): Promise<void> {
    return this.oneAtATime(async () => {
      for (const escalation of overdueDecisions(state(), now, this.config.policy.decisionTimeoutSeconds)) await record(escalation);
      for (const expired of expiredApprovals(state(), now)) await record(expired);
      for (const { trigger, retryOf } of dueRateLimitRetries(state(), now)) {
        const facts = decideRemediation(state(), trigger, this.config.policy, now, this.choose, retryOf);
        if (facts.length > 0) await this.recordDecided(facts, record, undefined, trigger);
      }
    });
  }

  private recordDecided(facts: JarvisEvent[], record: RecordFact, parent: Context | undefined, cause: JarvisEvent): Promise<void> {
    return inSpan(SPAN.decide, { parent, attributes: eventAttributes(cause) }, async (span) => {
      for (const fact of facts) {
        if (fact.type === 'RemediationDecided') {
          span.setAttribute(ATTR.decisionOutcome, fact.data.outcome);
          span.setAttribute(ATTR.decisionRule, fact.data.rule);
        }
        await record(this.diffs ? await this.diffs.withDiff(fact) : fact);
      }
    });
  }

  private oneAtATime(work: () => Promise<void>): Promise<void> {
    const run = this.exclusive.then(work, work);
    this.exclusive = run.catch(() => undefined);
    return run;
  }
}
