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
        resolve(resultOf(program, error as ExecFailure | null, stdout, stderr, this.outputLimitBytes));
      });
    });
  }
}

/** Node reports a deadline, a cap and a program that never started all as errors; each is told apart here. */
function resultOf(program: string, failure: ExecFailure | null, stdout: string, stderr: string, limit: number): CommandResult {
  if (failure === null) return { exitCode: 0, stdout, stderr, timedOut: false };
  if (typeof failure.code === 'number') return { exitCode: failure.code, stdout, stderr, timedOut: false };
  if (failure.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') return { exitCode: null, stdout, stderr: `${stderr}\nError: ${program} wrote more than ${limit} bytes and was stopped`, timedOut: false };
  if (failure.killed || failure.name === 'AbortError') return { exitCode: null, stdout, stderr, timedOut: true };
  const why = failure.signal ? `ended by ${failure.signal}` : `could not run (${String(failure.code ?? failure.message)})`;
  return { exitCode: null, stdout, stderr: `${stderr}\nError: ${program} ${why}`, timedOut: false };
}
