import { errorText, failure } from './probe-failure.js';
import type { Probe, ProbeOutcome, ProbeRun, SchedulerTimers } from './probe.js';

/**
 * Runs a probe once, now, outside any schedule, bounded by its timeout like a scheduled run (a timeout or a throw
 * is a `probe error` outcome). `cancel` aborts it: it then resolves null and reports nothing, as a stopped
 * scheduler's runs do. Never rejects.
 */
export async function runProbeOnce<R>(probe: Probe<R>, timers: SchedulerTimers, cancel: AbortSignal): Promise<ProbeRun<R> | null> {
  if (cancel.aborted) return null;
  const controller = new AbortController();
  const onCancel = () => controller.abort(new Error('probe cancelled'));
  cancel.addEventListener('abort', onCancel, { once: true });
  const startedAt = timers.now();
  let deadline: unknown = null;
  const timedOut = new Promise<ProbeOutcome<R>>((resolve) => {
    deadline = timers.setTimeout(() => {
      controller.abort(new Error(`timed out after ${probe.timeoutMs} ms`));
      resolve(failure(`timed out after ${probe.timeoutMs} ms`));
    }, probe.timeoutMs);
  });
  const ran = Promise.resolve()
    .then(() => probe.run(controller.signal))
    .then((value): ProbeOutcome<R> => ({ ok: true, value }), (error: unknown) => failure(errorText(error)));
  try {
    const outcome = await Promise.race([ran, timedOut]);
    return cancel.aborted ? null : { key: probe.key, scheduledAt: startedAt, startedAt, finishedAt: timers.now(), outcome };
  } finally {
    timers.clearTimeout(deadline);
    cancel.removeEventListener('abort', onCancel);
  }
}
