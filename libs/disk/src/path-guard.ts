/**
 * The pure half of the path guard: which directory entry names a sweep may touch, and whether a resolved real path
 * lies inside a whitelisted root. The I/O half (pinned directory descriptors, device and mount checks) lives in
 * pinned-directory.ts; both are needed, neither is enough alone.
 */

export type AdmittedName = { readonly ok: true; readonly name: string };
export type RefusedName = { readonly ok: false; readonly display: string; readonly reason: string };

/** Linux's NAME_MAX: no real entry is longer, so a longer one is not a name readdir gave us. */
const NAME_MAX_BYTES = 255;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const lossyUtf8 = new TextDecoder('utf-8');

/**
 * Characters that are not separators on Linux but read as one to a person or to another tool (Windows, a URL
 * decoder, a Unicode-normalising layer). NFKC maps some of them to `/` or `\` (checked below); these it keeps.
 */
const SEPARATOR_LOOKALIKES = /[\u2044\u2215\u2216\u2571\u2572\u29f5\u29f8\u29f9]/u;

const PERCENT_ESCAPE = /%[0-9a-f]{2}/iu;
/** Times a name is percent-decoded when looking for a hidden separator: `%25252f` needs three. */
const MAX_PERCENT_DECODES = 4;

const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/u;

/** `.`, `..`, `...`, `. .`: relative references, or names some layer trims to one (Windows drops trailing dots). */
const DOTS_ONLY = /^[.\s]+$/u;

/**
 * Decides whether a raw entry name (bytes as readdir returned them) may be handled. Names are refused, never
 * repaired: a refused entry is reported as skipped and left alone. Invalid UTF-8 is refused because a lossy decode
 * would address a different name (overlong `/`, `C0 AF`, decodes to U+FFFD, which re-encodes to other bytes).
 */
export function admitEntryName(raw: Uint8Array): AdmittedName | RefusedName {
  // A refused name may hold newlines or terminal escapes; its display is escaped so reports and logs stay one line.
  const display = JSON.stringify(lossyUtf8.decode(raw)).slice(1, -1);
  let name: string;
  try {
    name = strictUtf8.decode(raw);
  } catch {
    return { ok: false, display, reason: 'name is not valid UTF-8 (overlong or broken encoding)' };
  }
  const problem = entryNameProblem(name, raw.byteLength);
  return problem === undefined ? { ok: true, name } : { ok: false, display, reason: problem };
}

/** Why a decoded entry name is refused, or undefined when it is a plain name inside its directory. */
export function entryNameProblem(name: string, byteLength = Buffer.byteLength(name)): string | undefined {
  if (name.length === 0) return 'name is empty';
  if (byteLength > NAME_MAX_BYTES) return `name is longer than ${NAME_MAX_BYTES} bytes`;
  if (name.includes('\0')) return 'name contains a NUL byte';
  if (name.includes('/')) return 'name contains a path separator';
  if (name.includes('\\')) return 'name contains a backslash (a separator elsewhere)';
  if (DOTS_ONLY.test(name)) return 'name is made only of dots';
  if (CONTROL_CHARACTER.test(name)) return 'name contains a control character';
  const encoded = percentEncodingProblem(name);
  if (encoded !== undefined) return encoded;
  const folded = name.normalize('NFKC');
  if (SEPARATOR_LOOKALIKES.test(name) || folded.includes('/') || folded.includes('\\')) {
    return 'name contains a character that looks like a path separator';
  }
  if (DOTS_ONLY.test(folded)) return 'name looks like a relative path reference (dots after Unicode folding)';
  return undefined;
}

/**
 * A name that a later URL decode (one or several) would turn into a separator, a NUL or a dots-only name, or whose
 * escapes are not valid UTF-8 (`%c0%af`, the overlong `/` that old decoders accepted).
 */
function percentEncodingProblem(name: string): string | undefined {
  let current = name;
  for (let round = 0; round < MAX_PERCENT_DECODES && PERCENT_ESCAPE.test(current); round += 1) {
    try {
      current = decodeURIComponent(current);
    } catch {
      return 'name contains a malformed percent-encoding';
    }
    if (/[/\\\0]/u.test(current) || DOTS_ONLY.test(current)) return 'name contains a percent-encoded separator, dot or NUL';
  }
  return undefined;
}

/**
 * Whether `realPath` (already resolved: no symlinks, no `.`/`..`) is `root` or below it. A string prefix alone is
 * not enough: `/srv/tmp-evil` starts with `/srv/tmp`, so the match must end at a separator.
 */
export function isInsideRoot(realPath: string, root: string): boolean {
  if (!isResolvedAbsolute(realPath) || !isResolvedAbsolute(root)) return false;
  if (realPath === root) return true;
  const prefix = root === '/' ? '/' : `${root}/`;
  return realPath.startsWith(prefix);
}

/** An absolute path with no empty, `.` or `..` component and no NUL: the shape realpath returns. */
function isResolvedAbsolute(path: string): boolean {
  if (!path.startsWith('/') || path.includes('\0')) return false;
  if (path === '/') return true;
  return path
    .slice(1)
    .split('/')
    .every((part) => part !== '' && part !== '.' && part !== '..');
}
