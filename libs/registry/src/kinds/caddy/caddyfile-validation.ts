import type { ProbeFinding } from '../../scheduled-probe.js';
import type { CaddyRun } from './caddy-port.js';

export const CADDY_CADDYFILE_VALID_CHECK = 'caddy_caddyfile_valid';

const REASON_CHARS = 500;

/** `caddy validate` exit status, with Caddy's own error line as the reason (the rest of its output is JSON logs). */
export function judgeCaddyfileValidation(run: CaddyRun, caddyfile: string): ProbeFinding {
  if (run.exitCode === 0 && !run.timedOut) return { status: 'ok', reason: `caddy validate: ${caddyfile} is valid` };
  return { status: 'failed', reason: describeCaddyFailure(run, 'validate', caddyfile) };
}

/** Why a run of `caddy validate` or `caddy adapt` failed, in Caddy's own words. */
export function describeCaddyFailure(run: CaddyRun, command: 'validate' | 'adapt', caddyfile: string): string {
  if (run.timedOut) return `caddy ${command} of ${caddyfile} did not finish in time`;
  return `caddy ${command} of ${caddyfile} exited ${run.exitCode ?? 'on a signal'}: ${errorOf(run)}`;
}

/** Caddy ends a failed command with `Error: ...` on stderr; without one, the last line that is not a JSON log entry. */
function errorOf({ stdout, stderr }: CaddyRun): string {
  const lines = `${stderr}\n${stdout}`.split('\n').map((line) => line.trim()).filter((line) => line !== '');
  const error = lines.filter((line) => line.startsWith('Error:')).at(-1)?.slice('Error:'.length).trim();
  const fallback = lines.filter((line) => !line.startsWith('{')).at(-1);
  return (error ?? fallback ?? 'no error message').slice(0, REASON_CHARS);
}
