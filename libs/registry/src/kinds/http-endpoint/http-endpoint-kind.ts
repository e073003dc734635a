import type { JarvisConfig } from '@jarvis/config';
import type { TargetKindPlugin } from '../../target-kind.js';
import type { ContainerRuntime } from '../container/container-runtime.js';
import { RESTART_GRACE_SECONDS } from '../container/restart-container.js';
import { HTTP_HEALTH_CHECK, HttpHealthProbe } from './http-health-probe.js';
import type { HttpProbePort } from './http-probe-port.js';
import { describeRestartServingContainer, RESTART_SERVING_CONTAINER, RestartServingContainer, type RestartServingSettings } from './restart-serving-container.js';

export type HttpEndpointDependencies = { http: HttpProbePort; containers: ContainerRuntime };


/**
 * HTTP endpoints listed under `endpoints:` in jarvis.yaml, probed on a schedule (`health_check_endpoints`); one that
 * names the container serving it is healed by restarting that container.
 */
export function httpEndpointKind(config: JarvisConfig): TargetKindPlugin<HttpEndpointDependencies> {
  const settings: RestartServingSettings = {
    stopTimeoutSeconds: config.executor.restartStopTimeoutSeconds,
    graceSeconds: RESTART_GRACE_SECONDS,
    verifyTimeoutMs: config.verification.timeoutSeconds * 1000,
  };
  return {
    kind: 'http_endpoint',
    checks: [HTTP_HEALTH_CHECK],
    actions: [describeRestartServingContainer(config.endpoints, settings)],
    remediation: { [HTTP_HEALTH_CHECK]: RESTART_SERVING_CONTAINER },
    createActions: ({ http, containers }) => [new RestartServingContainer(config.endpoints, containers, http, settings)],
    createProbes: ({ http }) => config.endpoints.map((endpoint) => new HttpHealthProbe(endpoint, http)),
  };
}
