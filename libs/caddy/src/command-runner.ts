import { execFile } from 'node:child_process';
import { isAbsolute } from 'node:path';

export type CommandResult = { exitCode: number | null; stdout: string; stderr: string; timedOut: boolean };
export type CommandOptions = { timeoutMs: number; signal?: AbortSignal };

/** Runs a program with an argument list (never a shell string); the shared command runner implements the same shape. */
export interface CommandRunner {
  run(program: string, args: readonly string[], options: CommandOptions): Promise<CommandResult>;
}

/** Output kept per stream; the rest is dropped, so a runaway program cannot fill the monitor's memory. */
export const DEFAULT_OUTPUT_LIMIT_BYTES = 1024 * 1024;

/** What the program may see of Jarvis's environment: where its home is (Caddy keeps its data there), nothing else. */
const PASSED_ENVIRONMENT = ['HOME', 'XDG_DATA_HOME', 'XDG_CONFIG_HOME'] as const;

type ExecFailure = NodeJS.ErrnoException & { code?: number | string; killed?: boolean; signal?: NodeJS.Signals | null };

/** `node:child_process.execFile`: no shell, an absolute program path, a deadline that kills, output capped. */
export class ExecFileCommandRunner implements CommandRunner {
  constructor(private readonly outputLimitBytes = DEFAULT_OUTPUT_LIMIT_BYTES) {}

  run(program: string, args: readonly string[], { timeoutMs, signal }: CommandOptions): Promise<CommandResult> {
    if (!isAbsolute(program)) return Promise.reject(new Error(`program ${program}: must be an absolute path`));
    const env = Object.fromEntries(PASSED_ENVIRONMENT.flatMap((name) => (process.env[name] === undefined ? [] : [[name, process.env[name]]])));
    return new Promise((resolve) => {
      execFile(program, [...args], { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: this.outputLimitBytes, signal, env, encoding: 'utf8' }, (error, stdout, stderr) => {
        const failure = error as ExecFailure | null;
        const timedOut = Boolean(failure?.killed && failure.signal === 'SIGKILL') || failure?.name === 'AbortError';
        const exitCode = failure === null ? 0 : typeof failure.code === 'number' ? failure.code : null;
        const unstarted = failure && exitCode === null && !timedOut && !failure.signal ? `${program}: ${String(failure.code ?? failure.message)}\n` : '';
        resolve({ exitCode, stdout, stderr: `${stderr}${unstarted}`, timedOut });
      });
    });
  }
}
