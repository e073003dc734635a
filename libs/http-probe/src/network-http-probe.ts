import type { HttpEndpointConfig } from '@jarvis/config';
import type { HttpProbePort, HttpReading } from '@jarvis/registry';
import { probeHttpEndpoint } from './probe-http-endpoint.js';

/** The HTTP endpoint kind's port on the real network, through the address guard. */
export class NetworkHttpProbe implements HttpProbePort {
  /** `caFileDirs`: folders a caFile may live in (real paths, symlinks resolved); the defaults when absent. */
  constructor(private readonly caFileDirs?: readonly string[]) {}

  async probe(endpoint: HttpEndpointConfig, signal: AbortSignal): Promise<HttpReading> {
    const result = await probeHttpEndpoint(endpoint, { signal, ...(this.caFileDirs ? { caFileDirs: this.caFileDirs } : {}) });
    return { ok: result.ok, reason: result.ok ? `HTTP ${result.status} in ${Math.round(result.latencyMs)} ms` : result.reason };
  }
}
