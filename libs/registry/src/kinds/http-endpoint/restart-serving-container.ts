import type { HttpEndpointConfig } from '@jarvis/config';
import type { TargetRef } from '@jarvis/contracts';
import type { ActionDescriptor, ActionOutcome, Reobservation, RemediationAction, VerificationVerdict } from '../../remediation-action.js';
import type { ContainerRuntime } from '../container/container-runtime.js';
import type { HttpProbePort } from './http-probe-port.js';

export const RESTART_SERVING_CONTAINER = 'restart_serving_container';

/** No parameters: which container serves an endpoint is jarvis.yaml's to say, never a message's. */
export class RestartServingContainerParams {}

export type RestartServingSettings = { stopTimeoutSeconds: number; graceSeconds: number; verifyTimeoutMs: number };

export function describeRestartServingContainer(endpoints: readonly HttpEndpointConfig[], settings: RestartServingSettings): ActionDescriptor<RestartServingContainerParams> {
  return {
    name: RESTART_SERVING_CONTAINER,
    kind: 'http_endpoint',
    risk: 'low',
    params: RestartServingContainerParams,
    defaultParams: () => new RestartServingContainerParams(),
    deadlineMs: (settings.stopTimeoutSeconds + settings.graceSeconds) * 1000,
    appliesTo: (target) => Boolean(endpointOf(endpoints, target)?.container),
  };
}

/**
 * Heals an endpoint that stopped answering well by restarting the container jarvis.yaml says serves it, so an app
 * that hangs without a Docker HEALTHCHECK is healed too; verified by probing the endpoint again.
 */
export class RestartServingContainer implements RemediationAction<RestartServingContainerParams> {
  readonly name;
  readonly kind;
  readonly risk;
  readonly params;
  readonly defaultParams;
  readonly deadlineMs;
  readonly appliesTo;

  constructor(
    private readonly endpoints: readonly HttpEndpointConfig[],
    private readonly containers: ContainerRuntime,
    private readonly http: HttpProbePort,
    private readonly settings: RestartServingSettings,
  ) {
    ({ name: this.name, kind: this.kind, risk: this.risk, params: this.params, defaultParams: this.defaultParams, deadlineMs: this.deadlineMs, appliesTo: this.appliesTo } =
      describeRestartServingContainer(endpoints, settings));
  }

  async alreadyDone(target: TargetRef, _params: RestartServingContainerParams, since: Date): Promise<boolean> {
    const snapshot = await this.containers.inspect(this.containerOf(target));
    return Boolean(snapshot?.startedAt && Date.parse(snapshot.startedAt) >= since.getTime());
  }

  async reobserve(target: TargetRef): Promise<Reobservation> {
    const endpoint = endpointOf(this.endpoints, target);
    if (!endpoint?.container) return { kind: 'not_watched', reason: `${target.id} is not an endpoint with a container in jarvis.yaml (endpoints[].container)` };
    const reading = await this.http.probe(endpoint, AbortSignal.timeout(endpoint.timeoutMs + 1000));
    return reading.ok ? { kind: 'superseded', evidence: `http_health ok when the executor looked again: ${reading.reason}` } : { kind: 'fault_holds' };
  }

  async execute(target: TargetRef): Promise<ActionOutcome> {
    const container = this.containerOf(target);
    await this.containers.restart(container, this.settings.stopTimeoutSeconds);
    const after = await this.containers.inspect(container);
    return { result: `restarted container ${container}; now ${after?.state ?? 'missing'}`, details: { container } };
  }

  /** The endpoint must answer well again; an app takes a while to come up, so a failure is pending until the timeout. */
  async verify(target: TargetRef, _params: RestartServingContainerParams, actionStartedAt: Date, now: Date): Promise<VerificationVerdict> {
    const endpoint = endpointOf(this.endpoints, target);
    if (!endpoint) return { kind: 'failed', reason: `${target.id} is no longer a configured endpoint` };
    const reading = await this.http.probe(endpoint, AbortSignal.timeout(endpoint.timeoutMs + 1000));
    if (reading.ok) return { kind: 'passed', evidence: reading.reason };
    const elapsed = now.getTime() - actionStartedAt.getTime();
    return elapsed >= this.settings.verifyTimeoutMs ? { kind: 'failed', reason: `still failing ${Math.round(elapsed / 1000)} s after the restart: ${reading.reason}` } : { kind: 'pending', waitingFor: reading.reason };
  }

  private containerOf(target: TargetRef): string {
    const container = endpointOf(this.endpoints, target)?.container;
    if (!container) throw new Error(`${target.id} names no container in jarvis.yaml (endpoints[].container)`);
    return container;
  }
}

function endpointOf(endpoints: readonly HttpEndpointConfig[], target: TargetRef): HttpEndpointConfig | undefined {
  return target.kind === 'http_endpoint' ? endpoints.find((e) => e.name === target.id) : undefined;
}
