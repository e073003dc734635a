import { execFile } from 'node:child_process';
import type { ProgramResult, ProgramRun, ProgramRunner } from './ports.js';

const MAX_OUTPUT_BYTES = 256 * 1024;

/** ProgramRunner on execFile: argv only (shell: false), killed with SIGKILL at its deadline, output capped. */
export class ExecFileProgramRunner implements ProgramRunner {
  run(run: ProgramRun): Promise<ProgramResult> {
    if (!run.file.startsWith('/')) return Promise.reject(new Error(`program ${run.file} must be an absolute path`));
    return new Promise((resolve) => {
      execFile(
        run.file,
        [...run.args],
        { shell: false, timeout: run.timeoutMs, killSignal: 'SIGKILL', maxBuffer: MAX_OUTPUT_BYTES, env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', ...run.env }, encoding: 'utf8' },
        (error, stdout, stderr) => {
          const failed = error as (NodeJS.ErrnoException & { killed?: boolean; code?: number | string }) | null;
          const exitCode = failed === null ? 0 : typeof failed.code === 'number' ? failed.code : null;
          resolve({ exitCode, timedOut: failed?.killed === true, stdout, stderr: failed && exitCode === null && !failed.killed ? `${stderr}${failed.message}` : stderr });
        },
      );
    });
  }
}
