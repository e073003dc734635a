import { isMap, parseDocument } from 'yaml';
import { isSecretRef, type ConfigChange, type ConfigEdit, type ConfigValue } from './config-edit.js';
import { ConfigEditError } from './config-edit-error.js';
import { YAML_LIMITS } from './yaml-limits.js';

/** A value with every secret reference already read: what is written, never what is published. */
export type ResolvedValue = string | number | boolean | null;

/**
 * The new content of a file: `edit.change` applied to `before`, secret references replaced by `secrets` (file name
 * to value, read by the caller). Throws ConfigEditError naming the field when the change does not fit the content.
 */
export function computeContent(edit: ConfigEdit, before: string, secrets: ReadonlyMap<string, string>): string {
  const change: ConfigChange = edit.change;
  if (change.kind === 'replace_text') return replaceOnce(before, change.old, change.new);
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
  const rendered = ddclientValue(key, value);
  const lines = content.split('\n');
  const assignment = new RegExp(`(^|[\\s,])${key}\\s*=\\s*('[^']*'|"[^"]*"|[^\\s,\\\\#]*)`, 'u');
  const hits = lines.flatMap((line, index) => (assignment.test(stripComment(line)) ? [index] : []));
  if (hits.length > 1) throw new ConfigEditError(`change.values.${key}`, `ddclient.conf assigns ${key} on ${hits.length} lines; edit it with replace_text`);
  if (hits.length === 1) {
    const index = hits[0]!;
    lines[index] = lines[index]!.replace(assignment, (_all, lead: string) => `${lead}${key}=${rendered}`);
    return lines.join('\n');
  }
  const firstHost = lines.findIndex((line) => isHostLine(line));
  lines.splice(firstHost < 0 ? lastContentLine(lines) : firstHost, 0, `${key}=${rendered}`);
  return lines.join('\n');
}

function ddclientValue(key: string, value: ResolvedValue): string {
  const text = value === null ? '' : String(value);
  if (/[\0\r\n\\]/u.test(text)) throw new ConfigEditError(`change.values.${key}`, 'a ddclient value cannot hold a newline, NUL or backslash');
  if (!/[\s,#'"]/u.test(text)) return text;
  if (text.includes("'")) throw new ConfigEditError(`change.values.${key}`, 'a ddclient value with blanks, commas or # cannot also hold a single quote');
  return `'${text}'`;
}

function stripComment(line: string): string {
  return line.replace(/(^|\s)#.*$/u, '$1');
}

/** A line naming hosts to update: content that is not an assignment and does not continue one. */
function isHostLine(line: string): boolean {
  const content = stripComment(line).trim();
  return content.length > 0 && !content.includes('=');
}

function lastContentLine(lines: string[]): number {
  return lines[lines.length - 1] === '' ? lines.length - 1 : lines.length;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
