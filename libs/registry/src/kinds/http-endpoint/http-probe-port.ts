import type { HttpEndpointConfig } from '@jarvis/config';

/** One probe of one endpoint: a failing endpoint is a result, never an exception. */
export type HttpReading = { ok: boolean; reason: string };

/** The port to the network; `@jarvis/http-probe`'s adapter resolves, guards the address, connects and judges. */
export interface HttpProbePort {
  probe(endpoint: HttpEndpointConfig, signal: AbortSignal): Promise<HttpReading>;
}
