import { RISK_LEVELS, type Risk } from '@jarvis/contracts';
import { RESTART_CONTAINER } from '@jarvis/registry';

/** The knobs the policy reads; the config lib's PolicyConfig satisfies this shape. */
export type PolicyRules = {
  autoRestart: boolean;
  maxAutonomousRisk: Risk;
  staleDetectionSeconds: number;
  approvalExpirySeconds: number;
  rateLimit: { maxActions: number; windowSeconds: number };
  breaker: { maxAttempts: number; windowSeconds: number };
  backoff: { initialMs: number; maxMs: number };
};

/** Rule names recorded on every decision, so an audit can say exactly which rule allowed or stopped an action. */
export const RULE = {
  autoRemediation: 'auto_remediation',
  approvalRequired: 'approval_required',
  noRemediation: 'no_remediation',
  remediationExhausted: 'remediation_exhausted',
  approvalGranted: 'approval_granted',
  scheduledMaintenance: 'scheduled_maintenance',
  circuitBreaker: 'circuit_breaker',
  rateLimit: 'rate_limit',
  decisionTimeout: 'decision_timeout',
  consequenceRemediation: 'consequence_remediation',
  consequenceRemediationFailed: 'consequence_remediation_failed',
  consequenceNotApproved: 'consequence_not_approved',
} as const;

/**
 * Delay before attempt number `attempt` (1-based) within one incident: none for the first, then initialMs doubling,
 * capped at maxMs (the kubelet's CrashLoopBackOff shape).
 */
export function backoffDelayMs(attempt: number, backoff: PolicyRules['backoff']): number {
  if (attempt <= 1) return 0;
  return Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.min(attempt - 2, 30));
}

/** Why an action needs a person's approval first under `rules`, or null when it may run on its own. */
export function approvalReason(action: { action: string; risk: Risk }, rules: Pick<PolicyRules, 'autoRestart' | 'maxAutonomousRisk'>): string | null {
  if (action.action === RESTART_CONTAINER && !rules.autoRestart) return 'automatic restarts are off (policy.autoRestart: false)';
  if (!withinAutonomy(action.risk, rules)) return `${action.action} is ${action.risk} risk, above policy.maxAutonomousRisk (${rules.maxAutonomousRisk})`;
  return null;
}

/** Whether an action of `risk` may run without a person's approval under `rules`. */
export function withinAutonomy(risk: Risk, rules: Pick<PolicyRules, 'maxAutonomousRisk'>): boolean {
  return RISK_LEVELS.indexOf(risk) <= RISK_LEVELS.indexOf(rules.maxAutonomousRisk);
}
