import type { Check, CheckResult } from '../../check.js';
import type { ContainerSnapshot } from './container-runtime.js';

export type ContainerObservation = {
  snapshot: ContainerSnapshot | null;
  /** The engine reported an API kill (docker stop / docker kill) before the container exited. */
  stoppedByOperator: boolean;
};

/** A watched container must be running and, when it has a HEALTHCHECK, not unhealthy. */
export class ContainerStateCheck implements Check<ContainerObservation> {
  readonly name = 'container_state';

  evaluate({ snapshot, stoppedByOperator }: ContainerObservation, now: Date): CheckResult {
    const result = (status: CheckResult['status'], reason: string, faultAt = now.toISOString()): CheckResult => ({
      check: this.name,
      status,
      reason,
      faultAt,
    });
    // Only its owner removes a container (docker rm, compose down or recreate): like a stop, not a fault.
    if (!snapshot) return result('stopped', 'removed');
    if (snapshot.state === 'removing') return result('stopped', 'being removed');
    if (snapshot.state === 'running' || snapshot.state === 'restarting') {
      if (snapshot.health?.status === 'unhealthy') {
        return result('failed', `unhealthy: ${snapshot.health.failingStreak} failing healthchecks in a row`, snapshot.health.firstFailureAt ?? now.toISOString());
      }
      return result('ok', snapshot.health ? `running, health ${snapshot.health.status}` : 'running');
    }
    if (snapshot.state === 'paused') return result('stopped', 'paused');
    if (stoppedByOperator) return result('stopped', `stopped through the Docker API (exit code ${snapshot.exitCode ?? '?'})`, snapshot.finishedAt ?? now.toISOString());
    const cause = snapshot.oomKilled ? 'killed by the kernel OOM killer' : `exited with code ${snapshot.exitCode ?? '?'}`;
    return result('failed', `${snapshot.state}: ${cause}`, snapshot.finishedAt && snapshot.finishedAt > '0001-01-02' ? snapshot.finishedAt : now.toISOString());
  }
}

/** Every check of a container, evaluated together on each observation; the worst result speaks for the target. */
export function containerChecks(): Check<ContainerObservation>[] {
  return [new ContainerStateCheck()];
}
