import type { DnsRecordType } from '@jarvis/config';
import { assertNever } from '@jarvis/contracts';
import type { ProbeFinding } from '../../scheduled-probe.js';
import type { DnsReply } from './dns-record-port.js';

export const DNS_RESOLUTION_CHECK = 'dns_resolution';

export type DnsServerRole = 'resolver' | 'authoritative';

/** One server's reply to one record type. */
export type ServerAnswer = { server: string; role: DnsServerRole; type: DnsRecordType; reply: DnsReply };

/** What the name should resolve to, and from where that is known; `addresses: null` when it cannot be known now. */
export type DnsExpectation = { addresses: string[]; source: 'configured' | 'ddclient' } | { addresses: null; why: string };

export type DnsProblemKind = 'nxdomain' | 'nodata' | 'wrong_address' | 'servfail' | 'refused' | 'timeout' | 'error' | 'propagation' | 'drift';

export type DnsProblem = { kind: DnsProblemKind; role: DnsServerRole; server: string; type: DnsRecordType; said: string };

export type DnsJudgement = ProbeFinding & { problems: DnsProblem[] };

/** The detection's reason is stored in events of at most this many characters. */
export const MAX_DNS_REASON = 1024;

const HEADLINE: Record<DnsProblemKind, (type: DnsRecordType) => string> = {
  nxdomain: () => 'NXDOMAIN',
  nodata: (type) => `no ${type} record`,
  wrong_address: (type) => `wrong ${type} address`,
  servfail: () => 'SERVFAIL',
  refused: () => 'REFUSED',
  timeout: () => 'timeout',
  error: () => 'query error',
  propagation: () => 'propagation in progress',
  drift: () => 'resolver/authoritative drift',
};

const NXDOMAIN_STATE = 'NXDOMAIN';

/**
 * Every server's answer for every type against the expectation. The authoritative servers say what the zone holds
 * now; a resolver that differs from them is still propagating (when they hold the expected address) or drifting
 * (when they do not, or nothing is expected). Silent or failing servers are problems of their own.
 */
export function judgeDnsRecord(domain: string, expectation: DnsExpectation, answers: readonly ServerAnswer[]): DnsJudgement {
  const problems = typesIn(answers).flatMap((type) => problemsOfType(answers.filter((a) => a.type === type), expectedOfType(expectation, type)));
  const evidence = `answers: ${answers.map((a) => `${a.role} ${a.server} ${a.type} ${said(a.reply)}`).join(', ')}`;
  if (problems.length === 0) {
    return { status: 'ok', reason: bounded(`${domain} resolves as expected (${describeExpectation(expectation)}); ${evidence}`), problems };
  }
  return { status: 'failed', reason: bounded(`${domain}: ${headline(problems)} (${describeExpectation(expectation)}); ${evidence}`), problems };
}

function typesIn(answers: readonly ServerAnswer[]): DnsRecordType[] {
  return [...new Set(answers.map((a) => a.type))];
}

function expectedOfType(expectation: DnsExpectation, type: DnsRecordType): string | null {
  if (expectation.addresses === null) return null;
  return stateKey(expectation.addresses.filter((address) => recordTypeOf(address) === type));
}

/** A comparable form of what a server says exists: NXDOMAIN, or its sorted addresses ('' for no record). */
function stateOf(reply: DnsReply): string | null {
  switch (reply.outcome) {
    case 'answer':
    case 'nodata':
      return stateKey(reply.addresses);
    case 'nxdomain':
      return NXDOMAIN_STATE;
    case 'servfail':
    case 'refused':
    case 'timeout':
    case 'error':
      return null;
    default:
      return assertNever(reply.outcome);
  }
}

/** The expected addresses are validated IPs: only IPv6 has colons. */
function recordTypeOf(address: string): DnsRecordType {
  return address.includes(':') ? 'AAAA' : 'A';
}

function stateKey(addresses: readonly string[]): string {
  return [...addresses].sort().join(',');
}

function problemsOfType(answers: readonly ServerAnswer[], expected: string | null): DnsProblem[] {
  const authoritative = answers.filter((a) => a.role === 'authoritative');
  const zoneStates = new Set(authoritative.map((a) => stateOf(a.reply)).filter((state): state is string => state !== null));
  const zoneState = zoneStates.size === 1 ? [...zoneStates][0]! : null;
  const firstZoneState = authoritative.map((a) => stateOf(a.reply)).find((state) => state !== null) ?? null;
  return answers.flatMap((answer) => {
    const kind = problemOf(answer, expected, zoneState, firstZoneState);
    return kind === null ? [] : [{ kind, role: answer.role, server: answer.server, type: answer.type, said: said(answer.reply) }];
  });
}

function problemOf(answer: ServerAnswer, expected: string | null, zoneState: string | null, firstZoneState: string | null): DnsProblemKind | null {
  const state = stateOf(answer.reply);
  if (state === null) return answer.reply.outcome as DnsProblemKind;
  if (answer.role === 'resolver' && zoneState !== null && state !== zoneState) return zoneState === expected ? 'propagation' : 'drift';
  if (expected === null) {
    if (state === NXDOMAIN_STATE) return 'nxdomain';
    return answer.role === 'authoritative' && firstZoneState !== null && state !== firstZoneState ? 'drift' : null;
  }
  if (state === expected) return null;
  if (state === NXDOMAIN_STATE) return 'nxdomain';
  return state === '' ? 'nodata' : 'wrong_address';
}

function said(reply: DnsReply): string {
  switch (reply.outcome) {
    case 'answer':
      return reply.addresses.join(' ');
    case 'nodata':
      return 'no record';
    case 'nxdomain':
      return 'NXDOMAIN';
    case 'servfail':
      return 'SERVFAIL';
    case 'refused':
      return 'REFUSED';
    case 'timeout':
      return `timeout${reply.detail ? ` (${reply.detail})` : ''}`;
    case 'error':
      return `error${reply.detail ? ` (${reply.detail})` : ''}`;
    default:
      return assertNever(reply.outcome);
  }
}

/** Problems grouped by kind, role and type, authoritative first: `NXDOMAIN at authoritative 127.0.0.1:53`. */
function headline(problems: readonly DnsProblem[]): string {
  const groups = new Map<string, { problem: DnsProblem; servers: string[] }>();
  const ordered = [...problems].sort((a, b) => (a.role === b.role ? 0 : a.role === 'authoritative' ? -1 : 1));
  for (const problem of ordered) {
    const key = `${problem.kind} ${problem.role} ${problem.type}`;
    const group = groups.get(key) ?? { problem, servers: [] };
    group.servers.push(problem.server);
    groups.set(key, group);
  }
  return [...groups.values()].map(({ problem, servers }) => `${HEADLINE[problem.kind](problem.type)} for ${problem.type} at ${problem.role} ${servers.join(', ')}`).join('; ');
}

function describeExpectation(expectation: DnsExpectation): string {
  if (expectation.addresses === null) return `expected address unknown: ${expectation.why}`;
  const addresses = expectation.addresses.join(' ');
  return expectation.source === 'ddclient' ? `expected ${addresses}, what ddclient last pushed` : `expected ${addresses}`;
}

function bounded(reason: string): string {
  return reason.length <= MAX_DNS_REASON ? reason : `${reason.slice(0, MAX_DNS_REASON - 1)}…`;
}
