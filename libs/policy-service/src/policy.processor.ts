import type { JarvisEvent } from '@jarvis/contracts';
import type { JarvisConfig } from '@jarvis/config';
import type { EventProcessor, HandlerContext } from '@jarvis/event-log';
import { decideRemediation, evolvePolicy, initialPolicyState, isTrigger, undecidedTriggers, type PolicyState } from '@jarvis/policy';
import { ATTR, inSpan, SPAN, eventAttributes } from '@jarvis/telemetry';

/** Turns detections and failed attempts into decisions; one at a time, so every decision sees the previous one. */
export class PolicyProcessor implements EventProcessor<PolicyState> {
  readonly name = 'jarvis-policy';

  constructor(private readonly config: JarvisConfig) {}

  initialState(): PolicyState {
    return initialPolicyState();
  }

  evolve(state: PolicyState, event: JarvisEvent): PolicyState {
    return evolvePolicy(state, event);
  }

  handles(event: JarvisEvent): boolean {
    return isTrigger(event);
  }

  concurrencyKey(): string {
    return 'policy';
  }

  inFlight(state: PolicyState): JarvisEvent[] {
    return undecidedTriggers(state);
  }

  async handle(event: JarvisEvent, ctx: HandlerContext<PolicyState>): Promise<void> {
    if (!isTrigger(event)) return;
    const facts = decideRemediation(ctx.state(), event, this.config.policy, ctx.now());
    if (facts.length === 0) return;
    await inSpan(SPAN.decide, { parent: ctx.trace, attributes: eventAttributes(event) }, async (span) => {
      for (const fact of facts) {
        if (fact.type === 'RemediationDecided') {
          span.setAttribute(ATTR.decisionOutcome, fact.data.outcome);
          span.setAttribute(ATTR.decisionRule, fact.data.rule);
        }
        await ctx.emit(fact);
      }
    });
  }
}
