import type { DetectionStatus } from '@jarvis/contracts';

export type CheckResult = {
  check: string;
  status: DetectionStatus;
  reason: string;
  /** Best estimate of when the fault began; the observation time when nothing better is known. */
  faultAt: string;
};

/** One diagnostic: reads an observation, says ok / failed / stopped. Pure, so it is tested without Docker. */
export interface Check<Observation> {
  readonly name: string;
  evaluate(observation: Observation, now: Date): CheckResult;
}

const SEVERITY: Record<CheckResult['status'], number> = { failed: 2, stopped: 1, ok: 0 };

/** One target, several checks: the most severe result speaks for the target (the first of equals). */
export function worstOf(results: CheckResult[]): CheckResult {
  if (results.length === 0) throw new Error('worstOf: no check results');
  return results.reduce((worst, r) => (SEVERITY[r.status] > SEVERITY[worst.status] ? r : worst));
}
