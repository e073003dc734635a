import type { ConfigFormat } from './config-edit.js';

export type Verdict = { readonly ok: true; readonly evidence: string } | { readonly ok: false; readonly reason: string };

/** Checks a candidate content before it replaces a file: the format's parser, or the component's own tool. */
export type ConfigValidator = {
  /** Shown in events: what judged the content (`json`, `caddy validate`). */
  readonly name: string;
  validate(content: string, file: { readonly realPath: string }): Promise<Verdict>;
};

/** Says whether the component reading a file still works once the file changed (Caddy's admin API, a TLS handshake). */
export type ConfigHealthCheck = {
  readonly name: string;
  check(file: { readonly realPath: string; readonly format: ConfigFormat }): Promise<Verdict>;
};

/** The health check for a file, if its component has one: injected per target by whoever wires the editor. */
export type HealthCheckLookup = (file: { readonly realPath: string; readonly format: ConfigFormat }) => ConfigHealthCheck | undefined;
