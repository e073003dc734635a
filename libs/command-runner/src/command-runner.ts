import { spawn, type ChildProcess } from 'node:child_process';
import { argumentProblem, type CommandArgument } from './command-argument.js';
import { BoundedCapture } from './bounded-capture.js';
import { ProgramWhitelist, type AllowedProgram, type ResolvedProgram } from './program-whitelist.js';
import { SecretRedactor } from './secret-redactor.js';

export type CommandRunnerOptions = {
  readonly programs: readonly AllowedProgram[];
  /** Redacted from everything the runner returns or throws, in every encoding `SecretRedactor` knows. */
  readonly secrets?: readonly string[];
  /** The whole environment of every command: nothing is inherited from Jarvis's own (which holds its tokens). */
  readonly env: Readonly<Record<string, string>>;
  readonly outputLimitBytes?: number;
  /** Between SIGTERM and SIGKILL when a command overruns its timeout or is aborted. */
  readonly killGraceMs?: number;
};

export type CommandRequest = {
  /** The configured path of a whitelisted program. */
  readonly program: string;
  readonly args: readonly CommandArgument[];
  readonly timeoutMs: number;
  /** Secrets known only for this run (read from the file it uses), redacted like the runner's own. */
  readonly secrets?: readonly string[];
  /** Added to the runner's environment for this run. */
  readonly env?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
};

export type CommandResult = {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
  readonly aborted: boolean;
  readonly truncated: boolean;
};

/** A request refused before anything ran: bad program, argument or environment. */
export class CommandRefusedError extends Error {
  override readonly name = 'CommandRefusedError';
}

const DEFAULT_OUTPUT_LIMIT = 64 * 1024;
const DEFAULT_KILL_GRACE_MS = 2000;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Runs whitelisted programs with an argv array, never a shell; a timeout or an abort stops the process group by its
 * PID (SIGTERM, then SIGKILL after a grace); output is bounded and redacted before it leaves.
 */
export class CommandRunner {
  private readonly whitelist: ProgramWhitelist;
  private readonly outputLimit: number;
  private readonly killGraceMs: number;

  constructor(private readonly options: CommandRunnerOptions) {
    this.whitelist = new ProgramWhitelist(options.programs);
    this.outputLimit = options.outputLimitBytes ?? DEFAULT_OUTPUT_LIMIT;
    this.killGraceMs = options.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
    envProblems(options.env);
  }

  async run(request: CommandRequest): Promise<CommandResult> {
    const redactor = new SecretRedactor([...(this.options.secrets ?? []), ...(request.secrets ?? [])]);
    try {
      const program = this.whitelist.get(request.program);
      const argv = argvOf(program, request.args);
      const env = { ...this.options.env, ...request.env };
      envProblems(env);
      if (request.signal?.aborted) throw new CommandRefusedError(`${request.program} was not started: the run was already aborted`);
      return await this.spawnAndWait(program, argv, env, request, redactor);
    } catch (error) {
      throw redactedError(error, redactor);
    }
  }

  private spawnAndWait(program: ResolvedProgram, argv: string[], env: Record<string, string>, request: CommandRequest, redactor: SecretRedactor): Promise<CommandResult> {
    return new Promise((resolve, reject) => {
      const child = spawn(program.realPath, argv, { argv0: program.path, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true, shell: false });
      const captureLimit = this.outputLimit + redactor.longestForm * 4;
      const stdout = new BoundedCapture(child.stdout!, captureLimit);
      const stderr = new BoundedCapture(child.stderr!, captureLimit);
      const stopper = new ProcessStopper(child, this.killGraceMs);
      const timer = setTimeout(() => stopper.stop('timeout'), request.timeoutMs);
      const onAbort = (): void => stopper.stop('abort');
      request.signal?.addEventListener('abort', onAbort, { once: true });
      child.once('exit', () => stopper.exited());
      child.once('error', (error) => {
        clearTimeout(timer);
        stopper.exited();
        reject(new Error(`${program.path} could not start: ${error.message}`));
      });
      child.once('close', (exitCode, signal) => {
        clearTimeout(timer);
        stopper.exited();
        request.signal?.removeEventListener('abort', onAbort);
        const out = this.bound(stdout, redactor);
        const err = this.bound(stderr, redactor);
        resolve({ exitCode, signal, stdout: out.text, stderr: err.text, timedOut: stopper.reason === 'timeout', aborted: stopper.reason === 'abort', truncated: out.truncated || err.truncated });
      });
    });
  }

  /** Redacts first (a secret is only recognisable whole), then cuts to the limit without leaving half a secret. */
  private bound(capture: BoundedCapture, redactor: SecretRedactor): { text: string; truncated: boolean } {
    const redacted = redactor.redact(capture.text());
    if (!capture.truncated && Buffer.byteLength(redacted) <= this.outputLimit) return { text: redacted, truncated: false };
    const cut = Buffer.from(redacted).subarray(0, this.outputLimit).toString('utf8').replace(/\ufffd$/, '');
    return { text: redactor.trimPartialSecret(cut), truncated: true };
  }
}

/** SIGTERM to the process group, SIGKILL after the grace if it is still there; nothing once it has exited. */
class ProcessStopper {
  reason: 'timeout' | 'abort' | null = null;
  private done = false;
  private killTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly child: ChildProcess,
    private readonly graceMs: number,
  ) {}

  stop(reason: 'timeout' | 'abort'): void {
    if (this.done || this.reason) return;
    this.reason = reason;
    this.signal('SIGTERM');
    this.killTimer = setTimeout(() => this.signal('SIGKILL'), this.graceMs);
  }

  exited(): void {
    this.done = true;
    clearTimeout(this.killTimer);
  }

  private signal(signal: NodeJS.Signals): void {
    const pid = this.child.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, signal);
    } catch {
      this.child.kill(signal);
    }
  }
}

function argvOf(program: ResolvedProgram, args: readonly CommandArgument[]): string[] {
  const argv: string[] = [];
  let operandsStarted = false;
  for (const [index, argument] of args.entries()) {
    const problem = argumentProblem(argument);
    if (problem) throw new CommandRefusedError(`${program.path}: ${problem}`);
    if (argument.kind === 'subcommand' && index > 0) throw new CommandRefusedError(`${program.path}: subcommand ${argument.text} must come first`);
    if (argument.kind === 'operand') {
      if (!operandsStarted && program.endOfOptions) argv.push('--');
      operandsStarted = true;
    } else if (operandsStarted) {
      throw new CommandRefusedError(`${program.path}: ${argument.kind} ${argument.kind === 'value' ? argument.name : argument.text} comes after an operand`);
    }
    argv.push(argument.text);
  }
  return argv;
}

function envProblems(env: Readonly<Record<string, string>>): void {
  for (const [name, text] of Object.entries(env)) {
    if (!ENV_NAME.test(name)) throw new CommandRefusedError(`environment variable name ${JSON.stringify(name.slice(0, 64))} is not a plain name`);
    if (typeof text !== 'string' || text.includes('\0')) throw new CommandRefusedError(`environment variable ${name} contains a NUL byte`);
  }
}

function redactedError(error: unknown, redactor: SecretRedactor): Error {
  const message = redactor.redact(error instanceof Error ? error.message : String(error));
  return error instanceof CommandRefusedError ? new CommandRefusedError(message) : new Error(message);
}
