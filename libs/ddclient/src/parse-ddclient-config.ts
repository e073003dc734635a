import type { DdclientDocument, DdclientEntry, DdclientHost, DdclientProblem, DdclientSetting, SourceSpan } from './ddclient-document.js';
import { isSecretKeyword } from './ddclient-keywords.js';
import { joinMapped, LineIndex, mapped, physicalLines, sliceMapped, type MappedText } from './source-text.js';

/**
 * ddclient 3.10's own password rule, applied to each physical line before comments are removed: a keyword holding
 * `password` that starts the line or follows whitespace, then a value up to the next whitespace (commas, `#` and
 * double quotes included) or a single-quoted value up to the line's last single quote.
 */
const PASSWORD_RULE = /^([^#]*\s)?([^#]*?password\S*?)\s*=\s*('.*'|[^']\S*)(.*)/;
const ASSIGNMENT = /^([a-z][0-9a-z_-]*)=/i;
/** What ddclient puts in place of a password while it parses the rest of the line. */
const PASSWORD_STAND_IN = 'dummy';

type PasswordRecord = { key: string; value: string; span: SourceSpan; start: number };

type ParseState = {
  readonly lines: LineIndex;
  readonly problems: DdclientProblem[];
  readonly entries: DdclientEntry[];
  readonly hosts: DdclientHost[];
  readonly secretSpans: SourceSpan[];
  globals: Map<string, DdclientSetting>;
};

/** Reads ddclient.conf as ddclient 3.10 does, keeping where everything is written so it can be edited or masked. */
export function parseDdclientConfig(text: string): DdclientDocument {
  const state: ParseState = { lines: new LineIndex(text), problems: [], entries: [], hosts: [], secretSpans: [], globals: new Map() };
  let pending: MappedText | null = null;
  let passwords: PasswordRecord[] = [];
  for (const raw of physicalLines(text)) {
    if (/\\\s+$/.test(raw.text)) warn(state, raw.offsets[raw.text.lastIndexOf('\\')]!, 'file', 'whitespace follows the \\ at the end of the line, so it does not continue the line');
    const { line, password } = takePassword(raw);
    if (password) passwords.push(password);
    const hash = line.text.indexOf('#');
    const uncommented = hash >= 0 ? sliceMapped(line, 0, hash) : line;
    const joined: MappedText = pending ? joinMapped(pending, uncommented) : uncommented;
    if (joined.text.endsWith('\\')) {
      pending = sliceMapped(joined, 0, joined.text.length - 1);
      continue;
    }
    pending = null;
    recordPasswords(state, passwords);
    parseLogicalLine(state, joined, passwords);
    passwords = [];
  }
  if (pending) {
    state.problems.push({ severity: 'warning', position: null, field: 'file', message: 'the file ends while expecting a continuation line' });
    recordPasswords(state, passwords);
  }
  return { text, entries: state.entries, globals: state.globals, hosts: state.hosts, secretSpans: state.secretSpans, problems: state.problems };
}

function takePassword(raw: MappedText): { line: MappedText; password: PasswordRecord | null } {
  const match = PASSWORD_RULE.exec(raw.text);
  if (!match) return { line: raw, password: null };
  const [, head = '', key = '', written = '', tail = ''] = match;
  const valueStart = raw.text.length - tail.length - written.length;
  const value = /^'(.*)'$/.exec(written)?.[1] ?? written;
  const span = { start: raw.offsets[valueStart]!, end: raw.offsets[valueStart]! + written.length };
  const standIn = mapped(`=${PASSWORD_STAND_IN}`, Array.from({ length: PASSWORD_STAND_IN.length + 1 }, () => span.start));
  const line = joinMapped(sliceMapped(raw, 0, head.length + key.length), standIn, sliceMapped(raw, valueStart + written.length));
  return { line, password: { key, value, span, start: raw.offsets[head.length]! } };
}

function recordPasswords(state: ParseState, passwords: readonly PasswordRecord[]): void {
  for (const password of passwords) {
    state.secretSpans.push(password.span);
    if (/^[a-z][0-9a-z_-]*$/i.test(password.key)) continue;
    const keyword = password.key.split(/[\s,]/).pop() ?? password.key;
    state.problems.push({
      severity: 'error',
      position: state.lines.position(password.start),
      field: keyword,
      message: `ddclient 3.10 reads this ${keyword} as the literal "${PASSWORD_STAND_IN}": a ${keyword} must start its line or follow whitespace, not a comma`,
    });
  }
}

function parseLogicalLine(state: ParseState, line: MappedText, passwords: readonly PasswordRecord[]): void {
  const first = line.text.search(/\S/);
  if (first < 0) return;
  const { settings, rest } = parseAssignments(state, line, first, passwords);
  const tokens = positionalTokens(rest);
  const hostToken = tokens[0];
  const hosts = hostToken ? hostToken.text.split(',').filter((h) => h !== '') : [];
  const hostOption = settings.find((s) => s.name === 'host');
  if (hostOption) hosts.push(...hostOption.value.split(/[\s,]+/).filter((h) => h !== ''));
  const legacy = legacyCredentials(state, tokens);
  if (tokens.length > 3) warn(state, tokens[3]!.offset, 'file', 'words after a host, login and password are ignored');
  const start = line.offsets[first]!;
  const entry: DdclientEntry = { position: state.lines.position(start), start, settings: [...settings, ...legacy], hosts };
  state.entries.push(entry);
  if (hosts.length === 0) {
    for (const setting of settings) state.globals.set(setting.name, setting);
    return;
  }
  const effective = new Map(state.globals);
  for (const setting of entry.settings) effective.set(setting.name, setting);
  const position = state.lines.position(hostToken ? hostToken.offset : hostOption!.span.start);
  for (const name of hosts) state.hosts.push({ name, position, entry, settings: effective });
}

function parseAssignments(state: ParseState, line: MappedText, from: number, passwords: readonly PasswordRecord[]): { settings: DdclientSetting[]; rest: MappedText } {
  const settings: DdclientSetting[] = [];
  let pos = from;
  for (;;) {
    const skipped = pos + (/^[,\s]*/.exec(line.text.slice(pos))?.[0].length ?? 0);
    const match = ASSIGNMENT.exec(line.text.slice(skipped));
    if (!match) break;
    const name = match[1]!;
    const valueStart = skipped + match[0].length;
    const { value, end } = readValue(state, line, valueStart, name);
    settings.push(settingOf(state, line, { name, value, nameAt: skipped, valueStart, valueEnd: end }, passwords));
    pos = end;
  }
  return { settings, rest: sliceMapped(line, pos) };
}

/** ddclient's parse_assignment: a backslash quotes the next character, quotes group, unquoted space or comma ends. */
function readValue(state: ParseState, line: MappedText, start: number, name: string): { value: string; end: number } {
  let value = '';
  let escape = false;
  let quote = '';
  let pos = start;
  for (; pos < line.text.length; pos++) {
    const c = line.text[pos]!;
    if (escape) {
      value += c;
      escape = false;
    } else if (c === '\\') escape = true;
    else if (quote && c === quote) quote = '';
    else if (!quote && (c === "'" || c === '"')) quote = c;
    else if (!quote && /[\s,]/.test(c)) break;
    else value += c;
  }
  const at = line.offsets[Math.max(start, pos - 1)] ?? line.offsets[start - 1]!;
  if (escape) warn(state, at, name, `the value of ${name} ends with the escape character (\\)`);
  if (quote) warn(state, at, name, `the value of ${name} has an unterminated quote (${quote})`);
  return { value, end: pos };
}

type Assignment = { name: string; value: string; nameAt: number; valueStart: number; valueEnd: number };

function settingOf(state: ParseState, line: MappedText, a: Assignment, passwords: readonly PasswordRecord[]): DdclientSetting {
  const position = state.lines.position(line.offsets[a.nameAt]!);
  const password = passwords.find((p) => p.key === a.name);
  if (password) return { name: a.name, value: password.value, secret: true, position, span: password.span };
  const start = line.offsets[a.valueStart] ?? line.offsets[a.valueStart - 1]! + 1;
  const end = a.valueEnd > a.valueStart ? line.offsets[a.valueEnd - 1]! + 1 : start;
  return { name: a.name, value: a.value, secret: isSecretKeyword(a.name), position, span: { start, end } };
}

type Token = { text: string; offset: number; end: number };

/** What follows the assignments: `host[,host...] [login [password]]`, where spaces around commas do not split. */
function positionalTokens(rest: MappedText): Token[] {
  const tokens: Token[] = [];
  for (const match of rest.text.matchAll(/\S+/g)) {
    const start = match.index;
    const piece = { text: match[0], offset: rest.offsets[start]!, end: rest.offsets[start + match[0].length - 1]! + 1 };
    const last = tokens[tokens.length - 1];
    if (last && (last.text.endsWith(',') || piece.text.startsWith(','))) {
      last.text += piece.text;
      last.end = piece.end;
    } else tokens.push(piece);
  }
  return tokens;
}

/** The old form `host login password`: still honoured by ddclient, and the password is as secret as any. */
function legacyCredentials(state: ParseState, tokens: readonly Token[]): DdclientSetting[] {
  const settings: DdclientSetting[] = [];
  const [, login, password] = tokens;
  if (login) settings.push({ name: 'login', value: login.text, secret: false, position: state.lines.position(login.offset), span: { start: login.offset, end: login.end } });
  if (password) {
    const span = { start: password.offset, end: password.end };
    state.secretSpans.push(span);
    settings.push({ name: 'password', value: password.text, secret: true, position: state.lines.position(password.offset), span });
  }
  return settings;
}

function warn(state: ParseState, offset: number, field: string, message: string): void {
  state.problems.push({ severity: 'warning', position: state.lines.position(offset), field, message });
}
