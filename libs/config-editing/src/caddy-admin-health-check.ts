import { readFile } from 'node:fs/promises';
import type { ConfigHealthCheck, Verdict } from './ports.js';

export type CaddyAdminOptions = {
  /** Caddy's admin endpoint, loopback only (`http://127.0.0.1:2019`). */
  readonly adminUrl: string;
  readonly timeoutMs: number;
};

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);
const MAX_REASON = 600;

/**
 * Puts a changed Caddyfile into effect through Caddy's admin API (`POST /load`, adapted from the Caddyfile) and
 * then checks that the admin API serves a config. Caddy applies a load atomically: when it refuses one, it keeps
 * serving the config it had, and the editor rolls the file back to match.
 */
export class CaddyAdminHealthCheck implements ConfigHealthCheck {
  readonly name = 'caddy admin load';
  private readonly admin: URL;

  constructor(private readonly options: CaddyAdminOptions) {
    this.admin = new URL(options.adminUrl);
    if (this.admin.protocol !== 'http:' || !LOOPBACK_HOSTS.has(this.admin.hostname)) throw new Error(`adminUrl ${options.adminUrl} must be http on a loopback address`);
  }

  async check(file: { readonly realPath: string }): Promise<Verdict> {
    const content = await readFile(file.realPath, 'utf8');
    const load = await this.call('/load', { method: 'POST', headers: { 'Content-Type': 'text/caddyfile' }, body: content });
    if (!load.ok) return { ok: false, reason: `caddy refused to load the new Caddyfile (${load.status}): ${load.text}` };
    const config = await this.call('/config/', { method: 'GET' });
    if (!config.ok) return { ok: false, reason: `caddy's admin API does not serve its config after the load (${config.status})` };
    return { ok: true, evidence: 'caddy loaded the new Caddyfile and serves its config' };
  }

  private async call(path: string, init: RequestInit): Promise<{ ok: boolean; status: number; text: string }> {
    try {
      const answer = await fetch(new URL(path, this.admin), { ...init, redirect: 'error', signal: AbortSignal.timeout(this.options.timeoutMs) });
      return { ok: answer.ok, status: answer.status, text: lastError(await answer.text()) };
    } catch (error) {
      return { ok: false, status: 0, text: `admin API unreachable: ${(error as Error).message}` };
    }
  }
}

function lastError(body: string): string {
  try {
    return String((JSON.parse(body) as { error?: unknown }).error ?? body).slice(0, MAX_REASON);
  } catch {
    return body.slice(0, MAX_REASON);
  }
}
