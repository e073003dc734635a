import { isMap, parseDocument } from 'yaml';
import { isSecretRef, type ConfigChange, type ConfigEdit, type ConfigValue } from './config-edit.js';
import { ConfigEditError } from './config-edit-error.js';
import { putDdclientAssignment } from './ddclient-assignments.js';
import { restoreKnownGood } from './restore-known-good.js';
import { YAML_LIMITS } from './yaml-limits.js';

/** A value with every secret reference already read: what is written, never what is published. */
export type ResolvedValue = string | number | boolean | null;

/**
 * The new content of a file: `edit.change` applied to `before`, secret references replaced by `secrets` (file name
 * to value, read by the caller), a restore taken from `knownGood` (the copy it names, read by the caller). Throws
 * ConfigEditError naming the field when the change does not fit the content.
 */
export function computeContent(edit: ConfigEdit, before: string, secrets: ReadonlyMap<string, string>, knownGood?: string): string {
  const change: ConfigChange = edit.change;
  if (change.kind === 'replace_text') return replaceOnce(before, change.old, change.new);
  if (change.kind === 'restore_known_good') return restoreKnownGood(edit.format, before, change.keys, knownGood);
  const values = Object.entries(change.values).map(([key, value]): [string, ResolvedValue] => [key, resolve(key, value, secrets)]);
  switch (edit.format) {
    case 'yaml':
      return setYaml(before, values);
    case 'json':
      return setJson(before, values);
    case 'ddclient':
      return values.reduce((content, [key, value]) => setDdclientOption(content, key, value), before);
    case 'caddyfile':
    case 'text':
      throw new ConfigEditError('change.kind', `set does not apply to ${edit.format} files; use replace_text`);
  }
}

function resolve(key: string, value: ConfigValue, secrets: ReadonlyMap<string, string>): ResolvedValue {
  if (!isSecretRef(value)) return value;
  const secret = secrets.get(value.secretFile);
  if (secret === undefined) throw new ConfigEditError(`change.values.${key}`, `secret file ${value.secretFile} was not read`);
  return secret;
}

function replaceOnce(before: string, old: string, replacement: string): string {
  const first = before.indexOf(old);
  if (first < 0) throw new ConfigEditError('change.old', 'the text to replace is not in the file (was it changed meanwhile?)');
  if (before.indexOf(old, first + 1) >= 0) throw new ConfigEditError('change.old', 'the text to replace occurs more than once: give more surrounding text');
  return before.slice(0, first) + replacement + before.slice(first + old.length);
}

function setYaml(before: string, values: [string, ResolvedValue][]): string {
  const doc = parseDocument(before, YAML_LIMITS);
  if (doc.errors.length > 0) throw new ConfigEditError('path', `the file is not valid YAML: ${doc.errors[0]!.message}`);
  if (doc.contents !== null && !isMap(doc.contents)) throw new ConfigEditError('path', 'the YAML document is not a mapping');
  for (const [key, value] of values) {
    try {
      doc.setIn(key.split('.'), value);
    } catch (error) {
      throw new ConfigEditError(`change.values.${key}`, `cannot be set in this document (${(error as Error).message})`);
    }
  }
  return doc.toString();
}

function setJson(before: string, values: [string, ResolvedValue][]): string {
  let root: unknown;
  try {
    root = JSON.parse(before);
  } catch (error) {
    throw new ConfigEditError('path', `the file is not valid JSON: ${(error as Error).message}`);
  }
  if (!isObject(root)) throw new ConfigEditError('path', 'the JSON document is not an object');
  for (const [key, value] of values) setJsonKey(root, key, value);
  const indent = /\n([ \t]+)\S/u.exec(before)?.[1] ?? '  ';
  return JSON.stringify(root, null, indent) + (before.endsWith('\n') ? '\n' : '');
}

function setJsonKey(root: Record<string, unknown>, key: string, value: ResolvedValue): void {
  const parts = key.split('.');
  let node = root;
  for (const part of parts.slice(0, -1)) {
    const next = node[part] ?? {};
    if (!isObject(next)) throw new ConfigEditError(`change.values.${key}`, `${part} is not an object in this document`);
    node[part] = next;
    node = next;
  }
  node[parts[parts.length - 1]!] = value;
}

/**
 * Sets a global option of ddclient.conf: the one existing `key=value` is rewritten in place (also inside a line that
 * assigns several options), or a new line goes before the first host line. Two assignments of the key are ambiguous.
 */
function setDdclientOption(content: string, key: string, value: ResolvedValue): string {
  if (key.includes('.')) throw new ConfigEditError(`change.values.${key}`, 'ddclient options are plain names, without dots');
  return putDdclientAssignment(content, key, ddclientValue(key, value), `change.values.${key}`);
}

function ddclientValue(key: string, value: ResolvedValue): string {
  const text = value === null ? '' : String(value);
  if (/[\0\r\n\\]/u.test(text)) throw new ConfigEditError(`change.values.${key}`, 'a ddclient value cannot hold a newline, NUL or backslash');
  if (!/[\s,#'"]/u.test(text)) return text;
  if (text.includes("'")) throw new ConfigEditError(`change.values.${key}`, 'a ddclient value with blanks, commas or # cannot also hold a single quote');
  return `'${text}'`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
