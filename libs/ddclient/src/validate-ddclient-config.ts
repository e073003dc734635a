import { closestName } from '@jarvis/config';
import type { DdclientDocument, DdclientHost, DdclientProblem, DdclientSetting } from './ddclient-document.js';
import { DDCLIENT_KEYWORDS, DDCLIENT_PROTOCOLS, DEFAULT_PROTOCOL, REQUIRED_SETTINGS } from './ddclient-keywords.js';
import { readTsigKey } from './tsig-key.js';

/** A key file as the adapter found it: its text, or why it could not be read (missing, outside the whitelist...). */
export type KeyFileContent = { readonly kind: 'text'; readonly text: string } | { readonly kind: 'unreadable'; readonly reason: string };

const PLACEHOLDERS = /^(?:changeme|change[-_ ]?me|x{3,}|\*{3,}|<[^>]*>|\{[^}]*\}|\$\{[^}]*\}|your[-_]?(?:password|token|key|secret)|password|passwd|secret|token|placeholder|todo|fixme|replace[-_]?me|dummy|example|test|1234(?:5678?)?)$/i;

/**
 * Everything wrong with a parsed ddclient.conf: the parser's syntax problems, unknown options (with the keyword
 * probably meant), unknown protocols, settings a host's protocol needs, suspicious secrets and, for nsupdate, the
 * TSIG key file its password names. No message quotes a secret.
 */
export function validateDdclientConfig(document: DdclientDocument, keyFiles: ReadonlyMap<string, KeyFileContent>): DdclientProblem[] {
  const problems: DdclientProblem[] = [...document.problems];
  for (const entry of document.entries) for (const setting of entry.settings) problems.push(...keywordProblems(setting));
  if (document.hosts.length === 0) problems.push({ severity: 'warning', position: null, field: 'file', message: 'no host is configured, so ddclient updates nothing' });
  const checkedKeyFiles = new Set<string>();
  for (const host of document.hosts) problems.push(...hostProblems(host, keyFiles, checkedKeyFiles));
  return dedupe(problems);
}

/** The key files a validation needs: every nsupdate host's password, which is a path. */
export function keyFilePaths(document: DdclientDocument): string[] {
  const paths = document.hosts.filter((h) => protocolOf(h) === 'nsupdate').map((h) => h.settings.get('password')?.value);
  return [...new Set(paths.filter((p): p is string => typeof p === 'string' && p !== ''))];
}

export function protocolOf(host: DdclientHost): string {
  return host.settings.get('protocol')?.value ?? DEFAULT_PROTOCOL;
}

function keywordProblems(setting: DdclientSetting): DdclientProblem[] {
  if (DDCLIENT_KEYWORDS.includes(setting.name)) return [];
  const meant = closestName(setting.name, DDCLIENT_KEYWORDS);
  const hint = meant ? ` (did you mean ${meant}?)` : '';
  return [{ severity: 'error', position: setting.position, field: setting.name, message: `unknown option ${setting.name}${hint}: ddclient ignores it` }];
}

function hostProblems(host: DdclientHost, keyFiles: ReadonlyMap<string, KeyFileContent>, checkedKeyFiles: Set<string>): DdclientProblem[] {
  const protocol = protocolOf(host);
  const at = host.settings.get('protocol')?.position ?? host.position;
  if (!DDCLIENT_PROTOCOLS.includes(protocol)) {
    const meant = closestName(protocol, DDCLIENT_PROTOCOLS);
    return [{ severity: 'error', position: at, field: 'protocol', message: `host ${host.name}: unknown protocol ${protocol}${meant ? ` (did you mean ${meant}?)` : ''}` }];
  }
  const problems: DdclientProblem[] = [];
  for (const name of REQUIRED_SETTINGS[protocol] ?? []) {
    if (!host.settings.get(name)?.value) problems.push({ severity: 'error', position: host.position, field: name, message: `host ${host.name}: protocol ${protocol} needs ${name}` });
  }
  for (const setting of host.settings.values()) if (setting.secret) problems.push(...secretProblems(host, setting, protocol));
  const password = host.settings.get('password');
  if (protocol === 'nsupdate' && password?.value && !checkedKeyFiles.has(password.value)) {
    checkedKeyFiles.add(password.value);
    problems.push(...keyFileProblems(host, password, keyFiles.get(password.value)));
  }
  return problems;
}

function secretProblems(host: DdclientHost, setting: DdclientSetting, protocol: string): DdclientProblem[] {
  const value = setting.value;
  const what = protocol === 'nsupdate' && setting.name === 'password' ? 'the key file path' : `the ${setting.name}`;
  const problem = (message: string): DdclientProblem => ({ severity: 'error', position: setting.position, field: setting.name, message: `host ${host.name}: ${what} ${message}` });
  if (value !== value.trim()) return [problem('has whitespace around it, which ddclient keeps as part of it')];
  if (/^(['"`]).*\1$/.test(value) && value.length >= 2) return [problem('is wrapped in quotes, which ddclient keeps as part of it')];
  if (value.endsWith(',')) return [problem('ends with a comma: ddclient reads a password up to the next whitespace, commas included')];
  if (PLACEHOLDERS.test(value)) return [problem('looks like a placeholder, not a real secret')];
  return [];
}

function keyFileProblems(host: DdclientHost, password: DdclientSetting, content: KeyFileContent | undefined): DdclientProblem[] {
  const problem = (message: string): DdclientProblem[] => [{ severity: 'error', position: password.position, field: 'password', message: `host ${host.name}: nsupdate's password must be a TSIG key file, but ${message}` }];
  if (!password.value.startsWith('/')) return problem('it is not an absolute path');
  if (!content) return problem('it was not read');
  if (content.kind === 'unreadable') return problem(content.reason);
  const reading = readTsigKey(content.text);
  return reading.kind === 'invalid' ? problem(reading.reason) : [];
}

function dedupe(problems: DdclientProblem[]): DdclientProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.position?.line}:${p.position?.column}:${p.field}:${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
