import type { ApiErrorBody } from '@jarvis/contracts';

const REQUEST_TIMEOUT_MS = 15_000;

/** The gateway the CLI talks to: `JARVIS_API_URL`, else the local gateway on `JARVIS_HTTP_PORT` (8080). */
export function apiUrlFrom(env: NodeJS.ProcessEnv): string {
  const url = env['JARVIS_API_URL'] || `http://127.0.0.1:${env['JARVIS_HTTP_PORT'] || '8080'}`;
  return url.replace(/\/+$/, '');
}

export type ApiAnswer<T> = { ok: true; body: T } | { ok: false; status: number; message: string };

/** The gateway could not be reached or did not answer in time: nothing is known about the request. */
export class ApiUnreachable extends Error {}

export async function callApi<T>(env: NodeJS.ProcessEnv, method: 'GET' | 'POST', path: string, options: { token?: string; body?: unknown } = {}): Promise<ApiAnswer<T>> {
  const url = `${apiUrlFrom(env)}/api/jarvis${path}`;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.token !== undefined) headers['authorization'] = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(url, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body), signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  } catch (error) {
    const cause = (error as { cause?: { message?: string } }).cause?.message;
    throw new ApiUnreachable(`cannot reach the gateway at ${url}: ${cause ?? (error as Error).message} (set JARVIS_API_URL or JARVIS_HTTP_PORT)`);
  }
  const text = await response.text();
  if (response.ok) return { ok: true, body: JSON.parse(text) as T };
  return { ok: false, status: response.status, message: errorMessageOf(response.status, text) };
}

/** The one error shape of the API, with each field's reason; anything else (a proxy's page) by its status. */
function errorMessageOf(status: number, text: string): string {
  try {
    const { error } = JSON.parse(text) as ApiErrorBody;
    const fields = error.fields.map(({ field, reason }) => `\n  ${field}: ${reason}`).join('');
    return `${error.code} (${status}): ${error.message}${fields}`;
  } catch {
    return `HTTP ${status}: ${text.slice(0, 200)}`;
  }
}
