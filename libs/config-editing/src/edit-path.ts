/**
 * The pure half of the path guard: whether a requested path is even shaped like one the editor may resolve, and
 * whether a resolved real path is admitted by the whitelist. The I/O half (realpath, O_NOFOLLOW, identity) is in
 * config-file.ts; a string check alone is never enough (security notes, Files).
 */

const PERCENT_ESCAPE = /%[0-9a-f]{2}/iu;
const MAX_PERCENT_DECODES = 4;
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/u;
/** Characters that read as a separator to a person or another layer (NFKC folds some of them to `/`). */
const SEPARATOR_LOOKALIKES = /[\u2044\u2215\u2216\u2571\u2572\u29f5\u29f8\u29f9\uff0f\uff3c]/u;

/** Why a requested path is refused before any filesystem call, or undefined when it is a plain absolute path. */
export function editPathProblem(path: string): string | undefined {
  if (path.includes('\0')) return 'contains a NUL byte';
  if (!path.startsWith('/')) return 'must be an absolute path';
  if (CONTROL_CHARACTER.test(path)) return 'contains a control character';
  if (path.includes('\\')) return 'contains a backslash';
  if (SEPARATOR_LOOKALIKES.test(path) || path.normalize('NFKC') !== path) return 'contains a character that looks like a separator or changes under Unicode folding';
  const encoded = percentProblem(path);
  if (encoded) return encoded;
  if (path.endsWith('/')) return 'names a folder, not a file';
  const parts = path.slice(1).split('/');
  if (parts.some((part) => part === '')) return 'contains an empty segment (//)';
  if (parts.some((part) => part === '.' || part === '..')) return 'contains a . or .. segment';
  return undefined;
}

function percentProblem(path: string): string | undefined {
  let current = path;
  for (let round = 0; round < MAX_PERCENT_DECODES && PERCENT_ESCAPE.test(current); round += 1) {
    try {
      current = decodeURIComponent(current);
    } catch {
      return 'contains a malformed percent-encoding';
    }
    if (/[\\\0]/u.test(current) || /(^|\/)\.\.?(\/|$)/u.test(current) || current.split('/').length !== path.split('/').length) {
      return 'contains a percent-encoded separator, dot segment or NUL';
    }
  }
  return undefined;
}

/** A whitelist entry resolved at load: a folder admits every file below it, a file admits itself. */
export type AllowedEntry = { readonly configured: string; readonly realPath: string; readonly kind: 'folder' | 'file' };

/** The entry that admits `realPath` (resolved: no symlinks, no dot segments), or undefined. */
export function admittingEntry(realPath: string, allowed: readonly AllowedEntry[]): AllowedEntry | undefined {
  return allowed.find((entry) => (entry.kind === 'file' ? realPath === entry.realPath : realPath.startsWith(entry.realPath === '/' ? '/' : `${entry.realPath}/`)));
}
