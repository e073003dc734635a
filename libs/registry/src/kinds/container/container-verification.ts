import type { VerificationVerdict } from '../../remediation-action.js';
import type { ContainerSnapshot } from './container-runtime.js';

export type VerificationRules = { stableForMs: number; timeoutMs: number };

/**
 * Is the container fixed? It must be running, started after the action began, have stayed up `stableForMs`, and be
 * healthy if it has a HEALTHCHECK. `pending` means: look again later (until `timeoutMs` after the action).
 */
export function verifyContainer(snapshot: ContainerSnapshot | null, actionStartedAt: Date, now: Date, rules: VerificationRules): VerificationVerdict {
  const elapsed = now.getTime() - actionStartedAt.getTime();
  const timedOut = elapsed >= rules.timeoutMs;
  const wait = (waitingFor: string): VerificationVerdict => (timedOut ? { kind: 'failed', reason: `${waitingFor} after ${Math.round(elapsed / 1000)}s` } : { kind: 'pending', waitingFor });
  if (!snapshot) return { kind: 'failed', reason: 'container no longer exists' };
  if (snapshot.state !== 'running') return { kind: 'failed', reason: `container is ${snapshot.state} (exit code ${snapshot.exitCode ?? '?'})` };
  const startedAt = snapshot.startedAt ? Date.parse(snapshot.startedAt) : NaN;
  if (!(startedAt >= actionStartedAt.getTime() - 1000)) return wait('container has not been restarted');
  const upMs = now.getTime() - startedAt;
  if (upMs < rules.stableForMs) return wait(`up ${upMs} ms of the required ${rules.stableForMs} ms`);
  if (snapshot.health?.status === 'unhealthy') return { kind: 'failed', reason: `unhealthy after restart (${snapshot.health.failingStreak} failing checks)` };
  if (snapshot.health?.status === 'starting') return wait('healthcheck still starting');
  return { kind: 'passed', evidence: `running for ${Math.round(upMs)} ms since ${snapshot.startedAt}${snapshot.health ? ', healthy' : ''}` };
}
