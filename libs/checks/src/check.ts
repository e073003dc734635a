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
