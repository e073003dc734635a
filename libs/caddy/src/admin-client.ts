import type { AdminReading, CaddyAdminPath } from '@jarvis/registry';

/** More than any admin answer the checks read (a config with thousands of routes); beyond it the JSON is not parsed. */
const MAX_ANSWER_BYTES = 4 * 1024 * 1024;

/** `GET http://address:port<path>` on Caddy's admin API, within the deadline; the body is read up to a cap. */
export async function getAdmin(address: string, port: number, path: CaddyAdminPath, timeoutMs: number, signal: AbortSignal): Promise<AdminReading> {
  const host = address.includes(':') ? `[${address}]` : address;
  try {
    const answer = await fetch(`http://${host}:${port}${path}`, { signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]), redirect: 'manual' });
    const text = await boundedText(answer);
    return { kind: 'answered', status: answer.status, body: text === null ? null : parseJson(text) };
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
