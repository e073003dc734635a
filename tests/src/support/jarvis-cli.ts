import { execFile } from 'node:child_process';
import { JARVIS_BIN, REPO_ROOT } from './jarvis-harness.js';

export type CliResult = { status: number; stdout: string; stderr: string };

/** One `jarvis …` run to its end (at most `timeoutMs`), with `env` over this process's environment. */
export function runJarvisCli(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 30_000): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [JARVIS_BIN, ...args], { env: { ...process.env, ...env }, timeout: timeoutMs, cwd: REPO_ROOT }, (error, stdout, stderr) => {
      resolve({ status: error ? Number((error as { code?: unknown }).code ?? 1) : 0, stdout, stderr });
    });
  });
}
