import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative } from 'node:path';

/** Folders a Caddyfile may live in, unless the adapter is told otherwise. */
export const DEFAULT_CADDYFILE_DIRS: readonly string[] = ['/etc/caddy'];

/** A file a check would hand to a program, refused before it runs: the reason names the file and why. */
export class FileRefused extends Error {
  override readonly name = 'FileRefused';
}

/** The real path of `file` (symlinks resolved) when it is a regular file inside one of the folders (also resolved). */
export async function resolveAllowedFile(file: string, allowedDirs: readonly string[], role: string): Promise<string> {
  const real = await realpath(file).catch((error: NodeJS.ErrnoException) => {
    throw new FileRefused(`${role} ${file}: cannot be resolved (${error.code ?? 'error'})`);
  });
  if (!(await insideAny(real, allowedDirs))) throw new FileRefused(`${role} ${file}: outside the allowed folders (${allowedDirs.join(', ') || 'none'})`);
  if (!(await stat(real)).isFile()) throw new FileRefused(`${role} ${file}: not a regular file`);
  return real;
}

async function insideAny(real: string, allowedDirs: readonly string[]): Promise<boolean> {
  for (const dir of allowedDirs) {
    const realDir = await realpath(dir).catch(() => null);
    if (realDir === null) continue;
    const rel = relative(realDir, real);
    if (rel !== '' && rel !== '..' && !rel.startsWith('../') && !isAbsolute(rel)) return true;
  }
  return false;
}
