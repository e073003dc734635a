import type { ConfigEdit } from './config-edit.js';

export const MASK = '********';

/**
 * Key names whose values are credentials in every format the editor knows (ddclient's `password`, a YAML `apiToken`,
 * a Caddyfile `api_key`): their values are masked, and an edit touching one needs approval.
 */
const SECRET_KEY = /(?:pass(?:word|wd|phrase)?|secret|token|api[_-]?key|private[_-]?key|credential)/iu;

/** A secret key, its quotes, and the separator after it (`=`, `:`, or blanks); the rest of the line is its value. */
const SECRET_ASSIGNMENT = /(["']?[A-Za-z0-9_.-]*(?:pass(?:word|wd|phrase)?|secret|token|api[_-]?key|private[_-]?key|credential)[A-Za-z0-9_.-]*["']?)(\s*[:=]\s*|\s+)\S.*$/iu;

/** Secret values shorter than this are masked only where they follow a secret key, not wherever they appear. */
const MIN_SUBSTITUTED_LENGTH = 4;

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

/**
 * One line with the value after a secret key hidden. The whole rest of the line goes: a line that assigns several
 * options (ddclient's `login=a, password=b`) loses the others too, which is the safe side.
 */
export function maskLine(line: string): string {
  return line.replace(SECRET_ASSIGNMENT, (_all, key: string, separator: string) => `${key}${separator}${MASK}`);
}

/**
 * A text (a diff, a validator's message) safe to publish: secret assignments masked line by line, then every known
 * secret value (from the files' secret keys and the secret files read) replaced wherever else it appears.
 */
export function maskSecrets(text: string, secrets: Iterable<string>): string {
  let masked = text.split('\n').map(maskLine).join('\n');
  const values = [...new Set(secrets)].filter((value) => value.trim().length >= MIN_SUBSTITUTED_LENGTH).sort((a, b) => b.length - a.length);
  for (const value of values) masked = masked.split(value).join(MASK);
  return masked;
}

/** Values assigned to secret keys anywhere in a config text, whatever its format (`key=v`, `key: v`, `"key": "v"`, `key v`). */
export function secretValuesIn(text: string): string[] {
  const values: string[] = [];
  const assignment = /["']?([A-Za-z0-9_.-]+)["']?(?:\s*[:=]\s*|[ \t]+)("[^"\n]*"|'[^'\n]*'|[^\s,]+)/gu;
  for (const line of text.split('\n')) {
    for (const match of line.matchAll(assignment)) {
      if (!isSecretKey(match[1]!)) continue;
      const raw = match[2]!;
      values.push(/^["'].*["']$/u.test(raw) ? raw.slice(1, -1) : raw);
    }
  }
  return values.filter((value) => value.length > 0);
}

/**
 * Whether an edit changes a credential: it restores settings from a known-good copy (credentials, by what it is
 * for), sets a secret key or reads a secret file, or its diff adds or removes a line that assigns a secret key (a
 * `replace_text` on a password line).
 */
export function isCredentialChange(edit: ConfigEdit, diff: string): boolean {
  if (edit.change.kind === 'restore_known_good') return true;
  if (edit.change.kind === 'set') {
    if (Object.entries(edit.change.values).some(([key, value]) => isSecretKey(key) || (typeof value === 'object' && value !== null))) return true;
  }
  return diff.split('\n').some((line) => /^[+-](?![+-]{2} )/u.test(line) && SECRET_ASSIGNMENT.test(line.slice(1)));
}
