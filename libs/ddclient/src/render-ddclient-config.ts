import type { DdclientDocument, DdclientSetting, SourceSpan } from './ddclient-document.js';
import { isSecretKeyword } from './ddclient-keywords.js';
import { parseDdclientConfig } from './parse-ddclient-config.js';

export const MASK = '***';

/** One option to set: for one host (where it applies to that host), or globally (`host: null`). */
export type DdclientEdit = { readonly host: string | null; readonly name: string; readonly value: string };

/** Bad edits are refused with the field and the reason; the text is never half changed. */
export class DdclientEditError extends Error {
  override readonly name = 'DdclientEditError';
}

// Control characters would end or corrupt the line ddclient reads.
const CONTROL = /[\u0000-\u001f\u007f]/;
const PLAIN_VALUE = /^[^\s,'"\\#]+$/;

/**
 * The config with one option changed and everything else (comments, layout, other hosts) as it was. The value
 * replaces the setting that applies to the host (a global one changes for every host that shares it); a missing one is added to the host's line, or as a global line before the
 * first host. The result is parsed again and must read back the value, or the edit is refused.
 */
export function setDdclientOption(document: DdclientDocument, edit: DdclientEdit): string {
  if (!/^[a-z][0-9a-z_-]*$/.test(edit.name)) throw new DdclientEditError(`option name ${JSON.stringify(edit.name.slice(0, 64))} is not a ddclient keyword form`);
  const written = writtenValue(edit.name, edit.value);
  const target = settingToChange(document, edit);
  const text = target ? splice(document.text, target.span, written) : insertSetting(document, edit, written);
  const reread = parseDdclientConfig(text);
  const now = edit.host === null ? reread.globals.get(edit.name) : reread.hosts.find((h) => h.name === edit.host)?.settings.get(edit.name);
  if (now?.value !== edit.value) throw new DdclientEditError(`${edit.name}: the edited file would not read back the new value, so nothing was changed`);
  return text;
}

/** The config as written: parse → render gives the file back byte for byte. */
export function renderDdclientConfig(document: DdclientDocument): string {
  return document.text;
}

/** The config with every secret replaced by `***`, for diffs shown in events and approval requests. */
export function renderMaskedDdclientConfig(document: DdclientDocument): string {
  const spans = [...document.secretSpans].sort((a, b) => b.start - a.start);
  let text = document.text;
  let previousStart = Number.POSITIVE_INFINITY;
  for (const span of spans) {
    if (span.end > previousStart) continue;
    text = splice(text, span, MASK);
    previousStart = span.start;
  }
  return text;
}

function settingToChange(document: DdclientDocument, edit: DdclientEdit): DdclientSetting | undefined {
  if (edit.host === null) return document.globals.get(edit.name);
  const host = document.hosts.find((h) => h.name === edit.host);
  if (!host) throw new DdclientEditError(`host ${JSON.stringify(edit.host)} is not in the config`);
  return host.settings.get(edit.name);
}

function insertSetting(document: DdclientDocument, edit: DdclientEdit, written: string): string {
  const assignment = `${edit.name}=${written}`;
  if (edit.host !== null) {
    const host = document.hosts.find((h) => h.name === edit.host)!;
    return splice(document.text, { start: host.entry.start, end: host.entry.start }, `${assignment} `);
  }
  const firstHost = document.hosts[0];
  const at = firstHost ? firstHost.entry.start - (firstHost.entry.position.column - 1) : document.text.length;
  const newline = at === document.text.length && document.text !== '' && !document.text.endsWith('\n') ? '\n' : '';
  return splice(document.text, { start: at, end: at }, `${newline}${assignment}\n`);
}

/** How a value is written so ddclient reads it back unchanged; a value it cannot represent is refused. */
function writtenValue(name: string, value: string): string {
  if (CONTROL.test(value)) throw new DdclientEditError(`${name}: the value contains a newline or another control character`);
  if (isSecretKeyword(name)) {
    if (/\s/.test(value) || value === '' || value.startsWith("'")) throw new DdclientEditError(`${name}: ddclient 3.10 cannot read a password that is empty, holds whitespace or starts with a single quote`);
    return value;
  }
  if (PLAIN_VALUE.test(value)) return value;
  if (value.includes('#')) throw new DdclientEditError(`${name}: ddclient 3.10 reads # as the start of a comment, even inside quotes`);
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

function splice(text: string, span: SourceSpan, replacement: string): string {
  return text.slice(0, span.start) + replacement + text.slice(span.end);
}
