import { CommandRunner, flag, subcommand, value } from '@jarvis/command-runner';
import type { CaddyRun } from '@jarvis/registry';

/** `caddy adapt` prints the whole JSON config; more than this is no homelab's Caddyfile, and a cut JSON is useless. */
const OUTPUT_LIMIT_BYTES = 1024 * 1024;

export type CaddyInvocation = {
  /** The configured binary: an absolute path, never looked up on PATH. */
  readonly binary: string;
  readonly command: 'validate' | 'adapt';
  /** The Caddyfile's real path, already judged against the allowed folders. */
  readonly caddyfile: string;
  /** Caddy's whole environment: where its home and data are, nothing of Jarvis's own. */
  readonly env: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
};

/**
 * `caddy validate|adapt --config <file> --adapter caddyfile` through the shared command runner (argv only, the binary
 * resolved and checked, output bounded, the process group stopped at the deadline). Anything that keeps Caddy from
 * answering (not installed, cut output, refused) is a failed run with the reason in stderr, so a check reports it.
 */
export async function runCaddy(invocation: CaddyInvocation): Promise<CaddyRun> {
  const { binary, command, caddyfile, env, timeoutMs, signal } = invocation;
  try {
    const runner = new CommandRunner({ programs: [{ path: binary, endOfOptions: false }], env, outputLimitBytes: OUTPUT_LIMIT_BYTES });
    const args = [subcommand(command), flag('--config'), value('caddyfile', caddyfile), flag('--adapter'), value('adapter', 'caddyfile')];
    const result = await runner.run({ program: binary, args, timeoutMs, signal });
    if (result.truncated) return { exitCode: null, stdout: '', stderr: `Error: caddy ${command} wrote more than ${OUTPUT_LIMIT_BYTES} bytes`, timedOut: false };
    return { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr, timedOut: result.timedOut || result.aborted };
  } catch (error) {
    return { exitCode: null, stdout: '', stderr: `Error: ${(error as Error).message}`, timedOut: false };
  }
}
