import { CONFIG_EDIT_FORMATS, type ConfigEditFormat, type FieldProblem } from '@jarvis/contracts';

/** The file formats the editor can change (the contracts' list); each has its own change rules and validator. */
export const CONFIG_FORMATS = CONFIG_EDIT_FORMATS;
export type ConfigFormat = ConfigEditFormat;

/** A value read at apply time from a file in the configured secrets folder, so requests and events never carry it. */
export type SecretRef = { readonly secretFile: string };

export type ConfigValue = string | number | boolean | null | SecretRef;

/**
 * `set`: keys of a structured format to their new values (dotted paths for YAML and JSON, option names for
 * ddclient.conf). `replace_text`: exactly one occurrence of `old` becomes `new`, for formats without structure.
 * `restore_known_good`: the options `keys` of ddclient.conf take the values they have in the known-good copy named
 * (a file of the editor's known-good folder), so the values never travel in a request or an event.
 */
export type ConfigChange =
  | { readonly kind: 'set'; readonly values: Readonly<Record<string, ConfigValue>> }
  | { readonly kind: 'replace_text'; readonly old: string; readonly new: string }
  | { readonly kind: 'restore_known_good'; readonly knownGood: string; readonly keys: readonly string[] };

export type ConfigEdit = { readonly path: string; readonly format: ConfigFormat; readonly change: ConfigChange };

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problems: FieldProblem[] };

const STRUCTURED: ReadonlySet<ConfigFormat> = new Set(['ddclient', 'yaml', 'json']);
const SECRET_FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
const KEY_PATTERN = /^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*$/;
const MAX_KEYS = 32;
const MAX_RESTORED_KEYS = 8;
const OPTION_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
/** The names ConfigFiles gives known-good copies (see knownGoodName). */
export const KNOWN_GOOD_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,200}$/;
const MAX_TEXT = 64 * 1024;
const MAX_PATH = 4096;

export function isSecretRef(value: unknown): value is SecretRef {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 1 && typeof (value as SecretRef).secretFile === 'string';
}

/** Reads an untrusted edit (an RPC body): every problem names its field, and nothing is guessed or repaired. */
export function parseConfigEdit(input: unknown): Parsed<ConfigEdit> {
  if (!isRecord(input)) return refused('edit', 'must be an object');
  const problems: FieldProblem[] = [];
  const { path, format, change } = input;
  if (typeof path !== 'string' || path.length === 0 || path.length > MAX_PATH) problems.push({ field: 'path', reason: `must be a non-empty string of at most ${MAX_PATH} characters` });
  if (!(CONFIG_FORMATS as readonly unknown[]).includes(format)) problems.push({ field: 'format', reason: `must be one of ${CONFIG_FORMATS.join(', ')}` });
  const parsedChange = parseChange(change, format as ConfigFormat, problems);
  if (problems.length > 0 || !parsedChange) return { ok: false, problems };
  return { ok: true, value: { path: path as string, format: format as ConfigFormat, change: parsedChange } };
}

function parseChange(change: unknown, format: ConfigFormat, problems: FieldProblem[]): ConfigChange | undefined {
  if (!isRecord(change)) return push(problems, 'change', 'must be an object');
  if (change['kind'] === 'set') {
    if (!STRUCTURED.has(format)) return push(problems, 'change.kind', `set needs a structured format (ddclient, yaml, json); ${String(format)} takes replace_text`);
    return parseSet(change['values'], problems);
  }
  if (change['kind'] === 'replace_text') return parseReplace(change, problems);
  if (change['kind'] === 'restore_known_good') {
    if (format !== 'ddclient') return push(problems, 'change.kind', `restore_known_good applies to ddclient files only, not ${String(format)}`);
    return parseRestore(change, problems);
  }
  return push(problems, 'change.kind', 'must be set, replace_text or restore_known_good');
}

function parseSet(values: unknown, problems: FieldProblem[]): ConfigChange | undefined {
  if (!isRecord(values)) return push(problems, 'change.values', 'must be an object of keys to values');
  const keys = Object.keys(values);
  if (keys.length === 0 || keys.length > MAX_KEYS) return push(problems, 'change.values', `must hold 1 to ${MAX_KEYS} keys`);
  for (const key of keys) {
    if (!KEY_PATTERN.test(key)) problems.push({ field: `change.values.${key}`, reason: 'key must be letters, digits, _ or -, in dot-separated parts' });
    const problem = valueProblem(values[key]);
    if (problem) problems.push({ field: `change.values.${key}`, reason: problem });
  }
  return problems.length > 0 ? undefined : { kind: 'set', values: values as Record<string, ConfigValue> };
}

function valueProblem(value: unknown): string | undefined {
  if (value === null || typeof value === 'boolean') return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : 'must be a finite number';
  if (typeof value === 'string') return value.length > MAX_TEXT || /[\0\r\n]/u.test(value) ? 'must be one line without NUL, at most 64 KiB' : undefined;
  if (isSecretRef(value)) return SECRET_FILE_NAME.test(value.secretFile) ? undefined : 'secretFile must be a plain file name ([A-Za-z0-9][A-Za-z0-9_.-]*)';
  return 'must be a string, number, boolean, null or { secretFile }';
}

function parseReplace(change: Record<string, unknown>, problems: FieldProblem[]): ConfigChange | undefined {
  const { old, new: replacement } = change;
  if (typeof old !== 'string' || old.length === 0 || old.length > MAX_TEXT) problems.push({ field: 'change.old', reason: 'must be a non-empty string of at most 64 KiB' });
  if (typeof replacement !== 'string' || replacement.length > MAX_TEXT) problems.push({ field: 'change.new', reason: 'must be a string of at most 64 KiB' });
  if (problems.length > 0) return undefined;
  if ((old as string).includes('\0') || (replacement as string).includes('\0')) return push(problems, 'change', 'text must not contain NUL bytes');
  return { kind: 'replace_text', old: old as string, new: replacement as string };
}

function parseRestore(change: Record<string, unknown>, problems: FieldProblem[]): ConfigChange | undefined {
  const { knownGood, keys } = change;
  if (typeof knownGood !== 'string' || !KNOWN_GOOD_NAME.test(knownGood)) problems.push({ field: 'change.knownGood', reason: 'must be the plain file name of a known-good copy' });
  if (!Array.isArray(keys) || keys.length === 0 || keys.length > MAX_RESTORED_KEYS) problems.push({ field: 'change.keys', reason: `must list 1 to ${MAX_RESTORED_KEYS} option names` });
  else keys.forEach((key, index) => {
    if (typeof key !== 'string' || !OPTION_NAME.test(key)) problems.push({ field: `change.keys.${index}`, reason: 'must be a ddclient option name (letters, digits, _ or -, starting with a letter or digit)' });
  });
  if (problems.length > 0) return undefined;
  return { kind: 'restore_known_good', knownGood: knownGood as string, keys: [...new Set(keys as string[])] };
}

/** The known-good copy an edit reads at apply time, if any. */
export function knownGoodOf(edit: ConfigEdit): string | undefined {
  return edit.change.kind === 'restore_known_good' ? edit.change.knownGood : undefined;
}

/** The secret files an edit reads at apply time. */
export function secretFilesOf(edit: ConfigEdit): string[] {
  if (edit.change.kind !== 'set') return [];
  return Object.values(edit.change.values).flatMap((value) => (isSecretRef(value) ? [value.secretFile] : []));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function refused(field: string, reason: string): Parsed<never> {
  return { ok: false, problems: [{ field, reason }] };
}

function push(problems: FieldProblem[], field: string, reason: string): undefined {
  problems.push({ field, reason });
  return undefined;
}
