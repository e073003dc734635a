import { setTimeout as sleep } from 'node:timers/promises';
import { InvalidEventError } from '@jarvis/event-log';

export type AppendRetry = { initialMs: number; maxMs: number; giveUpAfterMs: number };

/** An outcome is worth waiting for: NATS drops for a few seconds are common, and the event's derived id de-duplicates. */
export const DEFAULT_APPEND_RETRY: AppendRetry = { initialMs: 250, maxMs: 4_000, giveUpAfterMs: 60_000 };

/**
 * Appends with a doubling, capped pause between tries; after `giveUpAfterMs` it throws the last error, so the
 * delivery is retried later and finds the recorded start instead of acting blindly. Each try carries the same event,
 * hence the same id: a try that was stored although its acknowledgement was lost is not stored twice.
 */
export async function appendPatiently(append: () => Promise<void>, retry: AppendRetry, stillWorking: () => void): Promise<void> {
  const giveUpAt = Date.now() + retry.giveUpAfterMs;
  for (let pauseMs = retry.initialMs; ; pauseMs = Math.min(retry.maxMs, pauseMs * 2)) {
    try {
      await append();
      return;
    } catch (error) {
      if (error instanceof InvalidEventError || Date.now() + pauseMs > giveUpAt) throw error;
    }
    stillWorking();
    await sleep(pauseMs);
  }
}
