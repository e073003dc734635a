import type { JarvisConfig } from '@jarvis/config';
import type { TargetKindPlugin } from '../../target-kind.js';
import type { ContainerEventView } from './container-event-view.js';
import type { ContainerRuntime } from './container-runtime.js';
import { ContainerStateCheck } from './container-state-check.js';
import { describeRestartContainer, RESTART_CONTAINER, RESTART_GRACE_SECONDS, RestartContainer, type RestartContainerSettings } from './restart-container.js';

/** `containerEvents`: the executor's live view of the engine's events, which spares it an inspect (see RestartContainer). */
export type ContainerDependencies = { containers: ContainerRuntime; containerEvents?: ContainerEventView };


function restartSettings(config: JarvisConfig): RestartContainerSettings {
  return {
    watch: config.watch,
    stopTimeoutSeconds: config.executor.restartStopTimeoutSeconds,
    graceSeconds: RESTART_GRACE_SECONDS,
    verification: { stableForMs: config.verification.stableForMs, timeoutMs: config.verification.timeoutSeconds * 1000 },
  };
}

/**
 * Containers: found through the engine (the `jarvis.watch=true` label, or named in jarvis.yaml), watched through its
 * event stream and a periodic reconciliation, healed by a restart.
 */
export function containerKind(config: JarvisConfig): TargetKindPlugin<ContainerDependencies> {
  const settings = restartSettings(config);
  const stateCheck = new ContainerStateCheck().name;
  return {
    kind: 'container',
    checks: [stateCheck],
    actions: [describeRestartContainer(settings)],
    remediation: { [stateCheck]: RESTART_CONTAINER },
    createActions: ({ containers, containerEvents }) => [new RestartContainer(containers, settings, containerEvents)],
  };
}
