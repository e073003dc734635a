import { posix } from 'node:path';

/** Longer than Linux's PATH_MAX is not a path the kernel would take. */
const PATH_MAX_BYTES = 4095;

/**
 * Why `value` is not an absolute, normalized path, or undefined when it is one. Syntax only: whoever reads or writes
 * below such a path still resolves it (symlinks too) against its allowed folders first.
 */
export function absolutePathProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'must be a string';
  if (value.includes('\0')) return 'must not contain a NUL byte';
  if (!value.startsWith('/')) return 'must be an absolute path';
  if (Buffer.byteLength(value) > PATH_MAX_BYTES) return `must be at most ${PATH_MAX_BYTES} bytes`;
  if (value !== '/' && (posix.normalize(value) !== value || value.endsWith('/'))) {
    return 'must be normalized (no ".", "..", "//" or trailing "/")';
  }
  return undefined;
}

/** A folder of a whitelist: "/" would allow every file on the machine. */
export function allowedFolderProblem(value: unknown): string | undefined {
  return absolutePathProblem(value) ?? (value === '/' ? 'must not be "/": every file on the machine would be allowed' : undefined);
}

/** Rules for `@Satisfies`: a path, a whitelisted folder, a list of them (entries named by index). */
export const absolutePath = (value: unknown): string | null => absolutePathProblem(value) ?? null;
export const absolutePaths = (value: unknown): string | null => entryProblems(value, absolutePathProblem);
export const allowedFolder = (value: unknown): string | null => allowedFolderProblem(value) ?? null;
export const allowedFolders = (value: unknown): string | null => entryProblems(value, allowedFolderProblem);

function entryProblems(value: unknown, problemOf: (entry: unknown) => string | undefined): string | null {
  if (!Array.isArray(value)) return null;
  const problems = value.flatMap((entry, index) => {
    const problem = problemOf(entry);
    return problem === undefined ? [] : [`[${index}] ${problem}`];
  });
  return problems.length > 0 ? problems.join('; ') : null;
}
