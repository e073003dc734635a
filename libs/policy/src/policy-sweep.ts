import { createEvent, derivedId, type JarvisEventOf } from '@jarvis/contracts';
import type { PolicyState } from './policy-state.js';
import { RULE } from './policy-rules.js';
import type { Trigger } from './trigger.js';

/**
 * Execute decisions still without an outcome `timeoutSeconds` after they were due (executor down, action hung,
 * outcome lost): each escalates once, its id derived from the decision, so a person hears of it instead of silence.
 */
export function overdueDecisions(state: PolicyState, now: Date, timeoutSeconds: number): JarvisEventOf<'IncidentEscalated'>[] {
  const deadlineMs = timeoutSeconds * 1000;
  return [...state.incidents.entries()].flatMap(([incidentId, incident]) => {
    const { pendingDecisionId, pendingNotBefore } = incident;
    if (!incident.open || incident.escalated || !pendingDecisionId || !pendingNotBefore) return [];
    const waitedMs = now.getTime() - Date.parse(pendingNotBefore);
    if (waitedMs <= deadlineMs) return [];
    return [
      createEvent({
        id: derivedId('IncidentEscalated', RULE.decisionTimeout, pendingDecisionId),
        type: 'IncidentEscalated',
        source: 'policy',
        time: now.toISOString(),
        subject: incident.targetKey,
        correlationId: incidentId,
        causationId: pendingDecisionId,
        data: {
          target: incident.target,
          rule: RULE.decisionTimeout,
          reason: `decision ${pendingDecisionId} has had no outcome for ${Math.round(waitedMs / 1000)}s after it was due (limit ${timeoutSeconds}s, policy.decisionTimeoutSeconds): is the executor running?`,
          attempts: incident.attempts,
        },
      }),
    ];
  });
}

export type RateLimitRetry = { trigger: Trigger; retryOf: JarvisEventOf<'RemediationDecided'> };

/** Incidents denied by the rate limit whose wait is over: decided again, whether or not anything re-detects them. */
export function dueRateLimitRetries(state: PolicyState, now: Date): RateLimitRetry[] {
  return [...state.incidents.values()].flatMap((incident) => {
    const { rateLimited, lastTrigger } = incident;
    if (!incident.open || incident.escalated || incident.pendingDecisionId || !rateLimited || !lastTrigger) return [];
    if (state.decidedTriggers.has(rateLimited.id) || Date.parse(rateLimited.data.notBefore) > now.getTime()) return [];
    return [{ trigger: lastTrigger, retryOf: rateLimited }];
  });
}
