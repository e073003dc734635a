import type { IncomingHttpHeaders } from 'node:http';
import type { EndpointMethod } from '@jarvis/config';
import type { ResolvedAddress } from './address-guard.js';
import type { HttpAnswer } from './judge-answer.js';
import { bareHostname } from './pinned-request.js';
import { oneLine } from './probe-failure.js';

/** What was asked of which address: the start of every evidence line. */
export type ProbeRequestFacts = { method: EndpointMethod; url: URL; address: ResolvedAddress | null };

/** `GET https://nas.lab/health via 10.0.0.5:443: <outcome>`, never with a query string (it may carry a token). */
export function probeEvidence(facts: ProbeRequestFacts, outcome: string): string {
  const via = facts.address ? ` via ${addressWithPort(facts)}` : '';
  return oneLine(`${facts.method} ${withoutQuery(facts.url)}${via}: ${outcome}`, 1000);
}

/** What came back: status, how much body was read, and where a redirect pointed (it is not followed). */
export function answerEvidence(facts: ProbeRequestFacts, answer: HttpAnswer, headers: IncomingHttpHeaders): string {
  const size = answer.truncated ? `first ${answer.body.length} bytes read` : `${answer.body.length} bytes`;
  const location = answer.status >= 300 && answer.status < 400 ? redirectTarget(headers.location, facts.url) : '';
  return probeEvidence(facts, `HTTP ${answer.status}, ${size} in ${answer.latencyMs} ms${location}`);
}

/** The address and port the probe connects to (the host itself until it is resolved), as a reason names it. */
export function addressWithPort(facts: ProbeRequestFacts): string {
  const port = facts.url.port || (facts.url.protocol === 'https:' ? '443' : '80');
  const address = facts.address?.address ?? bareHostname(facts.url);
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

function redirectTarget(location: string | undefined, base: URL): string {
  if (!location) return '';
  try {
    return `, redirect to ${withoutQuery(new URL(location, base))} (not followed)`;
  } catch {
    return ', redirect to an invalid location (not followed)';
  }
}

function withoutQuery(url: URL): string {
  return `${url.origin}${url.pathname}${url.search ? '?…' : ''}`;
}
