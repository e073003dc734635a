import type { ContainerRuntime } from '@jarvis/checks';
import type { RemediationAction } from './remediation-action.js';
import { RestartContainer } from './restart-container.js';

export type ActionDependencies = { containers: ContainerRuntime; restartStopTimeoutSeconds: number };

/** The one place remediation actions are registered; the executor looks decisions up here by name. */
export function remediationActions(deps: ActionDependencies): Map<string, RemediationAction> {
  const actions: RemediationAction[] = [new RestartContainer(deps.containers, deps.restartStopTimeoutSeconds)];
  return new Map(actions.map((action) => [action.name, action]));
}
