import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCaddy } from '@jarvis/caddy';
import type { ConfigValidator, Verdict } from './ports.js';

export type CaddyValidatorOptions = { readonly caddyBinary: string; readonly timeoutMs: number; readonly tempRoot?: string };

const MAX_REASON = 600;

/**
 * `caddy validate --config F --adapter caddyfile` on a private temp copy: Caddy's own judgement of the candidate,
 * without touching the live file. Its home and data folders point into the temp folder so validation writes nothing
 * of Caddy's real state.
 */
export class CaddyValidator implements ConfigValidator {
  readonly name = 'caddy validate';

  constructor(private readonly options: CaddyValidatorOptions) {}

  async validate(content: string): Promise<Verdict> {
    const folder = await mkdtemp(join(this.options.tempRoot ?? tmpdir(), 'jarvis-caddy-validate-'));
    try {
      const candidate = join(folder, 'Caddyfile');
      await writeFile(candidate, content, { mode: 0o600, flag: 'wx' });
      const env = { HOME: folder, XDG_DATA_HOME: folder, XDG_CONFIG_HOME: folder };
      const result = await runCaddy({ binary: this.options.caddyBinary, command: 'validate', caddyfile: candidate, env, timeoutMs: this.options.timeoutMs });
      if (result.timedOut) return { ok: false, reason: `caddy validate did not finish within ${this.options.timeoutMs} ms` };
      if (result.exitCode === 0) return { ok: true, evidence: 'caddy validate: valid configuration' };
      return { ok: false, reason: `caddy validate exited with ${result.exitCode ?? 'no code'}: ${lastError(result.stderr || result.stdout)}` };
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  }
}

/** Caddy logs JSON lines; the last `error` field (or line) says what is wrong, without the temp path. */
function lastError(output: string): string {
  const lines = output.trim().split('\n').filter((line) => line.trim() !== '');
  const last = lines[lines.length - 1] ?? 'no output';
  let message = last;
  try {
    const parsed = JSON.parse(last) as { error?: unknown; msg?: unknown };
    message = String(parsed.error ?? parsed.msg ?? last);
  } catch {
    message = last;
  }
  return message.replace(/\/[^\s:]*jarvis-caddy-validate-[^\s:/]*\/Caddyfile/gu, 'Caddyfile').slice(0, MAX_REASON);
}
