import { readFileSync, realpathSync, statSync } from 'node:fs';
import { relative, isAbsolute, resolve } from 'node:path';

export const MIN_KEY_BYTES = 32;
const MAX_KEY_BYTES = 4096;

/** A key file that cannot be used; the message names the setting and the reason, never the key. */
export class AuditKeyError extends Error {
  override name = 'AuditKeyError';
}

/**
 * Reads the checkpoint key from `file`, which must resolve (symlinks too) inside `allowedDir`, be a regular file
 * readable by its owner only and hold 32 to 4096 bytes. A trailing newline is not part of the key.
 */
export function readAuditKey(setting: string, file: string, allowedDir: string): Buffer {
  const path = resolvedInside(setting, file, allowedDir);
  const stats = statSync(path);
  if (!stats.isFile()) throw new AuditKeyError(`${setting}: ${file} is not a regular file`);
  if ((stats.mode & 0o077) !== 0) throw new AuditKeyError(`${setting}: ${file} is readable by others (mode ${(stats.mode & 0o777).toString(8)}); chmod 600 it`);
  if (stats.size > MAX_KEY_BYTES) throw new AuditKeyError(`${setting}: ${file} is ${stats.size} bytes, more than a key can be (${MAX_KEY_BYTES})`);
  const key = readFileSync(path);
  const trimmed = key.subarray(0, key.at(-1) === 0x0a ? key.length - 1 : key.length);
  if (trimmed.length < MIN_KEY_BYTES) throw new AuditKeyError(`${setting}: ${file} holds ${trimmed.length} bytes, a key needs at least ${MIN_KEY_BYTES} (e.g. openssl rand -hex 32 > ${file})`);
  return Buffer.from(trimmed);
}

function resolvedInside(setting: string, file: string, allowedDir: string): string {
  let path: string;
  let dir: string;
  try {
    dir = realpathSync(allowedDir);
    path = realpathSync(resolve(allowedDir, file));
  } catch (error) {
    throw new AuditKeyError(`${setting}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const inside = relative(dir, path);
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) throw new AuditKeyError(`${setting}: ${file} resolves to ${path}, outside ${dir} (JARVIS_DATA_DIR)`);
  return path;
}
