import type { HttpEndpointConfig } from '@jarvis/config';
import { targetOf, type TargetRef } from '@jarvis/contracts';
import type { ProbeFinding, ScheduledProbe } from '../../scheduled-probe.js';
import type { HttpProbePort } from './http-probe-port.js';

export const HTTP_HEALTH_CHECK = 'http_health';

/** The scheduler's own deadline sits above the probe's, so a slow endpoint reads as a timeout, not a probe error. */
const SCHEDULER_MARGIN_MS = 1000;

/** Status, latency, body keyword or JSON field of one configured endpoint (`health_check_endpoints`). */
export class HttpHealthProbe implements ScheduledProbe {
  readonly target: TargetRef;
  readonly check = HTTP_HEALTH_CHECK;
  readonly intervalMs: number;
  readonly timeoutMs: number;

  constructor(
    private readonly endpoint: HttpEndpointConfig,
    private readonly port: HttpProbePort,
  ) {
    this.target = targetOf('http_endpoint', endpoint.name);
    this.intervalMs = endpoint.intervalSeconds * 1000;
    this.timeoutMs = endpoint.timeoutMs + SCHEDULER_MARGIN_MS;
  }

  async run(signal: AbortSignal): Promise<ProbeFinding> {
    const reading = await this.port.probe(this.endpoint, signal);
    return { status: reading.ok ? 'ok' : 'failed', reason: reading.reason };
  }
}
