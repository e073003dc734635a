import { PROBE_ERROR_PREFIX, type ProbeOutcome } from './probe.js';

const MAX_REASON_LENGTH = 300;

/** A run that did not produce a finding (threw, timed out, hung): its reason says the probe itself failed. */
export function failure(reason: string): ProbeOutcome<never> {
  return { ok: false, reason: `${PROBE_ERROR_PREFIX}${reason}` };
}

/** One line, bounded: the reason goes into an event, and a probe's error may carry a whole response body. */
export function errorText(error: unknown): string {
  const text = error instanceof Error ? error.message || error.name : String(error);
  const line = text.replace(/\s+/g, ' ').trim() || 'failed without a message';
  return line.length > MAX_REASON_LENGTH ? `${line.slice(0, MAX_REASON_LENGTH)}…` : line;
}
