import type { ProbeFinding } from '../../scheduled-probe.js';
import type { AdminReading } from './caddy-port.js';

export const CADDY_ADMIN_API_CHECK = 'caddy_admin_api';
export const CADDY_CONFIG_LOADED_CHECK = 'caddy_config_loaded';

const ERROR_EXCERPT_CHARS = 300;

/** `GET /config/` answered 200: the admin API is up (whatever the config says). */
export function judgeAdminApi(reading: AdminReading, where: string): ProbeFinding {
  if (reading.kind === 'unreachable') return { status: 'failed', reason: `admin API unreachable at ${where}: ${reading.reason}` };
  if (reading.status !== 200) return { status: 'failed', reason: `admin API at ${where} answered HTTP ${reading.status}${excerpt(reading.body)}` };
  return { status: 'ok', reason: `admin API at ${where} answered HTTP 200` };
}

/** A running Caddy with an empty or failed config still answers its admin API, but serves nothing: no HTTP server. */
export function judgeConfigLoaded(reading: AdminReading, where: string): ProbeFinding {
  const api = judgeAdminApi(reading, where);
  if (reading.kind === 'unreachable' || api.status === 'failed') return { status: 'failed', reason: `cannot read the loaded config: ${api.reason}` };
  const servers = httpServersOf(reading.body);
  if (servers.length === 0) return { status: 'failed', reason: 'no config loaded: apps.http.servers is empty or missing' };
  return { status: 'ok', reason: `${servers.length} HTTP server(s) loaded: ${servers.map(describeServer).join(', ')}` };
}

export type HttpServer = { name: string; listen: string[] };

/** The `apps.http.servers` of a Caddy JSON config (loaded or adapted), each with its listen addresses. */
export function httpServersOf(config: unknown): HttpServer[] {
  const servers = field(field(field(config, 'apps'), 'http'), 'servers');
  if (!isRecord(servers)) return [];
  return Object.entries(servers).map(([name, server]) => {
    const listen = field(server, 'listen');
    return { name, listen: Array.isArray(listen) ? listen.filter((entry): entry is string => typeof entry === 'string') : [] };
  });
}

export function field(value: unknown, key: string): unknown {
  return isRecord(value) ? value[key] : undefined;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeServer({ name, listen }: HttpServer): string {
  return `${name} (${listen.join(' ') || 'no listen address'})`;
}

function excerpt(body: unknown): string {
  const error = field(body, 'error');
  const text = typeof error === 'string' ? error : body === null ? '' : JSON.stringify(body);
  return text ? `: ${text.slice(0, ERROR_EXCERPT_CHARS)}` : '';
}
