import { realpathSync, statSync } from 'node:fs';
import { isAbsolute } from 'node:path';

/** A program Jarvis may run, as configured: an absolute path, and whether it takes `--` to end its options. */
export type AllowedProgram = { readonly path: string; readonly endOfOptions: boolean };

/** A whitelisted program as it will run: its real path (symlinks resolved once, at construction). */
export type ResolvedProgram = AllowedProgram & { readonly realPath: string };

/**
 * The programs a runner may start. Resolving at construction makes a missing or mistyped program an error at start,
 * naming it, instead of at the first incident; a request names the program by its configured path.
 */
export class ProgramWhitelist {
  private readonly programs = new Map<string, ResolvedProgram>();

  constructor(programs: readonly AllowedProgram[]) {
    for (const program of programs) {
      if (!isAbsolute(program.path)) throw new Error(`program ${JSON.stringify(program.path)} must be an absolute path`);
      const realPath = resolveProgram(program.path);
      this.programs.set(program.path, { ...program, realPath });
    }
  }

  /** The program configured at `path`; anything else is refused, naming it. */
  get(path: string): ResolvedProgram {
    const program = this.programs.get(path);
    if (!program) throw new Error(`program ${JSON.stringify(path)} is not on the whitelist (${[...this.programs.keys()].join(', ') || 'empty'})`);
    return program;
  }
}

function resolveProgram(path: string): string {
  let realPath: string;
  try {
    realPath = realpathSync(path);
  } catch (error) {
    throw new Error(`program ${path} is not installed (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }
  const stats = statSync(realPath);
  if (!stats.isFile() || (stats.mode & 0o111) === 0) throw new Error(`program ${path} (${realPath}) is not an executable file`);
  return realPath;
}
