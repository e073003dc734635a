import type { Readable } from 'node:stream';

export type BoundedBody = { bytes: Buffer; truncated: boolean };

/** A body that stopped before its end: the connection closed or broke mid-answer. */
function cutShort(): Error {
  return Object.assign(new Error('the body ended before its announced end'), { code: 'ECONNRESET' });
}

/**
 * Reads at most `maxBytes` of a body, then stops reading and closes it: a health page that streams forever or
 * sends gigabytes costs the probe 64 KiB, not its memory. Rejects with the signal's reason once it aborts.
 */
export function readBoundedBody(body: Readable, maxBytes: number, signal: AbortSignal): Promise<BoundedBody> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      outcome();
    };
    const onAbort = () => settle(() => (body.destroy(), reject(signal.reason)));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    body.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size <= maxBytes) return;
      settle(() => {
        body.destroy();
        resolve({ bytes: Buffer.concat(chunks).subarray(0, maxBytes), truncated: true });
      });
    });
    body.on('end', () => settle(() => resolve({ bytes: Buffer.concat(chunks), truncated: false })));
    body.on('error', (error) => settle(() => reject(error)));
    body.on('close', () => settle(() => reject(cutShort())));
  });
}
