import type { CaddyConfig } from '@jarvis/config';

/** The admin API paths the checks read; nothing else is ever requested. */
export type CaddyAdminPath = '/config/' | '/reverse_proxy/upstreams';

/** One admin API call: an answer (its JSON body, or null when it is not JSON) or nobody answering. */
export type AdminReading = { kind: 'answered'; status: number; body: unknown } | { kind: 'unreachable'; reason: string };

/** One run of the caddy program: its output as captured (capped), and whether the deadline stopped it. */
export type CaddyRun = { exitCode: number | null; stdout: string; stderr: string; timedOut: boolean };

/** An upstream as the checks reach it: an IP literal and a port. */
export type UpstreamEndpoint = { address: string; port: number };

export type Reachability = { reachable: true } | { reachable: false; reason: string };

/** The port to one Caddy instance; `@jarvis/caddy`'s adapter talks to its admin API and runs its program with argv only. */
export interface CaddyPort {
  admin(instance: CaddyConfig, path: CaddyAdminPath, signal: AbortSignal): Promise<AdminReading>;
  /**
   * `GET /config/`, then `POST /load` of that same config with `Cache-Control: must-revalidate`: Caddy reloads an
   * unchanged config and retries its ACME orders at once (a plain reload of an unchanged config does nothing).
   * The answer is the load's, or the read's when the read failed.
   */
  reloadCurrentConfig(instance: CaddyConfig, signal: AbortSignal): Promise<AdminReading>;
  /** `caddy validate --config <caddyfile> --adapter caddyfile`. */
  validate(instance: CaddyConfig, signal: AbortSignal): Promise<CaddyRun>;
  /** `caddy adapt --config <caddyfile> --adapter caddyfile`: the JSON config the Caddyfile means. */
  adapt(instance: CaddyConfig, signal: AbortSignal): Promise<CaddyRun>;
  /** A TCP connection to an upstream, closed at once. */
  reach(upstream: UpstreamEndpoint, timeoutMs: number, signal: AbortSignal): Promise<Reachability>;
}
