import { setTimeout as sleep } from 'node:timers/promises';

export type StepResult = 'done' | 'late' | Error;

/** A stop step either settles before the deadline or is abandoned there; an abandoned promise settles on its own. */
export async function beforeDeadline(deadline: number, step: () => Promise<unknown>): Promise<StepResult> {
  const remaining = deadline - Date.now();
  if (remaining <= 0) return 'late';
  const timer = new AbortController();
  const settled = step().then(
    (): StepResult => 'done',
    (error: unknown): StepResult => (error instanceof Error ? error : new Error(String(error))),
  );
  const late = sleep(remaining, 'late' as const, { signal: timer.signal }).catch((): StepResult => 'late');
  const result = await Promise.race([settled, late]);
  timer.abort();
  return result;
}
