import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** A process a test started: stopped by its PID, always. */
export type TrackedProcess = {
  pid: number;
  child: ChildProcess;
  logFile: string;
  log(): string;
  exited(): Promise<number | null>;
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | null>;
  kill9(): Promise<void>;
};

const running = new Set<TrackedProcess>();

export function spawnTracked(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; logFile: string }): TrackedProcess {
  // The child writes its log itself: piped through this process, a log file waited on a busy thread pool (a start
  // under heavy load timed out before its log file was even opened) and lost what a kill -9 of this process held.
  const out = openSync(options.logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(command, args, { env: options.env ?? process.env, cwd: options.cwd, stdio: ['ignore', out, out] });
  } finally {
    closeSync(out);
  }
  if (child.pid === undefined) throw new Error(`could not start ${command}`);
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : null))));
  const tracked: TrackedProcess = {
    pid: child.pid,
    child,
    logFile: options.logFile,
    log: () => readFileSync(options.logFile, 'utf8'),
    exited: () => exit,
    stop: async (signal = 'SIGTERM', timeoutMs = 20_000) => {
      if (child.exitCode === null && child.signalCode === null) {
        process.kill(child.pid!, signal);
        if ((await exitWithin(tracked, timeoutMs)) === 'running') {
          process.kill(child.pid!, 'SIGKILL');
          await exit;
        }
      }
      running.delete(tracked);
      return exit;
    },
    kill9: async () => {
      if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, 'SIGKILL');
      await exit;
      running.delete(tracked);
    },
  };
  running.add(tracked);
  return tracked;
}

/**
 * The exit code, or 'running' once `ms` have passed. The timer is cancelled with the answer: left running, it kept
 * each test file's process alive for up to 20 s after its last test (about a quarter of the suite's time).
 */
export async function exitWithin(proc: Pick<TrackedProcess, 'exited'>, ms: number): Promise<number | null | 'running'> {
  const timer = new AbortController();
  try {
    return await Promise.race([proc.exited(), sleep(ms, 'running' as const, { signal: timer.signal })]);
  } finally {
    timer.abort();
  }
}

/** Last-resort cleanup for a test file: anything still running is killed by its PID. */
export async function killAllTracked(): Promise<void> {
  await Promise.all([...running].map((p) => p.kill9()));
}

/** Polls until `probe` returns a value (not undefined/false) or the deadline passes. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 20_000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    await sleep(intervalMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${(lastError as Error).message})` : ''}`);
}

/** Below Linux's ephemeral range (32768-60999), where every outgoing connection and every port-0 bind lands. */
const RESERVED_RANGE = { from: 20_000, to: 30_000 };
const RESERVED_TRIES = 50;

/**
 * A free port for a server a test starts: taken outside the ephemeral range, so that no connection or port-0 bind
 * of a test file running beside this one can be handed it before the server binds it (seconds later for a lab, tens
 * of seconds for the split shape's last services).
 */
export async function freePort(): Promise<number> {
  for (let i = 0; i < RESERVED_TRIES; i++) {
    const candidate = RESERVED_RANGE.from + Math.floor(Math.random() * (RESERVED_RANGE.to - RESERVED_RANGE.from));
    const port = await bindAndRelease(candidate).catch(() => undefined);
    if (port !== undefined) return port;
  }
  throw new Error(`no free port in ${RESERVED_RANGE.from}-${RESERVED_RANGE.to} after ${RESERVED_TRIES} tries`);
}

function bindAndRelease(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(bound));
    });
  });
}
