import type { AdminReading, CaddyAdminPath } from '@jarvis/registry';

/** More than any admin answer the checks read (a config with thousands of routes); beyond it the JSON is not parsed. */
const MAX_ANSWER_BYTES = 4 * 1024 * 1024;

/** `GET http://address:port<path>` on Caddy's admin API, within the deadline; the body is read up to a cap. */
export async function getAdmin(address: string, port: number, path: CaddyAdminPath, timeoutMs: number, signal: AbortSignal): Promise<AdminReading> {
  return asReading(await readAdminText(adminUrl(address, port, path), timeoutMs, signal));
}

/**
 * Loads the config Caddy runs again, unchanged, with `Cache-Control: must-revalidate` so Caddy does not skip it as
 * identical and its ACME orders are retried at once. The config is passed on as the exact text Caddy gave.
 */
export async function reloadCurrentConfig(address: string, port: number, timeoutMs: number, signal: AbortSignal): Promise<AdminReading> {
  const current = await readAdminText(adminUrl(address, port, '/config/'), timeoutMs, signal);
  if (current.kind === 'unreachable' || current.status !== 200) return asReading(current);
  if (current.text === null || parseJson(current.text) === null) throw new Error('GET /config/ gave no config to load again (Caddy runs none, or it is too large)');
  const load = { method: 'POST', headers: { 'Content-Type': 'application/json', 'Cache-Control': 'must-revalidate' }, body: current.text };
  return asReading(await readAdminText(adminUrl(address, port, '/load'), timeoutMs, signal, load));
}

function adminUrl(address: string, port: number, path: string): string {
  const host = address.includes(':') ? `[${address}]` : address;
  return `http://${host}:${port}${path}`;
}

function asReading(answer: AdminText): AdminReading {
  if (answer.kind === 'unreachable') return answer;
  return { kind: 'answered', status: answer.status, body: answer.text === null ? null : parseJson(answer.text) };
}

type AdminText = { kind: 'answered'; status: number; text: string | null } | { kind: 'unreachable'; reason: string };

async function readAdminText(url: string, timeoutMs: number, signal: AbortSignal, init: RequestInit = {}): Promise<AdminText> {
  try {
    const answer = await fetch(url, { ...init, signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]), redirect: 'manual' });
    return { kind: 'answered', status: answer.status, text: await boundedText(answer) };
  } catch (error) {
    return { kind: 'unreachable', reason: describeFailure(error, timeoutMs) };
  }
}

async function boundedText(answer: Response): Promise<string | null> {
  if (!answer.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of answer.body) {
    size += chunk.byteLength;
    if (size > MAX_ANSWER_BYTES) {
      await answer.body.cancel();
      return null;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

function describeFailure(error: unknown, timeoutMs: number): string {
  const failure = error as Error & { cause?: NodeJS.ErrnoException };
  if (failure.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  if (failure.name === 'AbortError') return 'the probe was cancelled';
  return failure.cause?.code ?? failure.cause?.message ?? failure.message;
}
