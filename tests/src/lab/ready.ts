import type { TrackedProcess } from '../support/processes.js';
import { waitFor } from '../support/processes.js';

const LOG_TAIL_CHARS = 3000;

/** Waits for `ready`, failing at once (with the log's tail) if the process exits first: a port taken, a bad config. */
export async function waitUntilReady(name: string, proc: TrackedProcess, ready: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const exit = proc.exited().then((code) => {
    throw new Error(`${name} exited (${code}) before it was ready:\n${proc.log().slice(-LOG_TAIL_CHARS)}`);
  });
  try {
    await Promise.race([waitFor(`${name} ready`, ready, timeoutMs, 100), exit]);
  } catch (error) {
    (error as Error).message += proc.child.exitCode === null ? `\n${name}'s log:\n${proc.log().slice(-LOG_TAIL_CHARS)}` : '';
    throw error;
  }
  exit.catch(() => undefined);
}
