import type { IncomingHttpHeaders } from 'node:http';
import type { EndpointMethod } from '@jarvis/config';
import type { ResolvedAddress } from './address-guard.js';
import type { HttpAnswer } from './judge-answer.js';
import { bareHostname } from './pinned-request.js';
import { oneLine } from './probe-failure.js';

/** What was asked of which address: the start of every evidence line. */
export type ProbeRequestFacts = {
  method: EndpointMethod;
  url: URL;
  /** The vetted addresses, once resolved. */
  addresses: readonly ResolvedAddress[] | null;
  /** The one that answered, once known. */
  answeredBy: string | null;
};

const NAMED_ADDRESSES = 3;

/** `GET https://nas.lab/health via 10.0.0.5:443: <outcome>`, never with a query string (it may carry a token). */
export function probeEvidence(facts: ProbeRequestFacts, outcome: string): string {
  const via = facts.addresses ? ` via ${addressWithPort(facts)}` : '';
  return oneLine(`${facts.method} ${withoutQuery(facts.url)}${via}: ${outcome}`, 1000);
}

/** What came back: status, how much body was read, and where a redirect pointed (it is not followed). */
export function answerEvidence(facts: ProbeRequestFacts, answer: HttpAnswer, headers: IncomingHttpHeaders): string {
  const size = answer.truncated ? `first ${answer.body.length} bytes read` : `${answer.body.length} bytes`;
  const location = answer.status >= 300 && answer.status < 400 ? redirectTarget(headers.location, facts.url) : '';
  return probeEvidence(facts, `HTTP ${answer.status}, ${size} in ${answer.latencyMs} ms${location}`);
}

/**
 * Where the probe connected, as a reason names it: the address that answered, else the vetted ones it tried (the
 * host itself until it is resolved).
 */
export function addressWithPort(facts: ProbeRequestFacts): string {
  const port = facts.url.port || (facts.url.protocol === 'https:' ? '443' : '80');
  const withPort = (address: string) => (address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`);
  if (facts.answeredBy !== null) return withPort(facts.answeredBy);
  const tried = (facts.addresses ?? []).map((resolved) => resolved.address);
  if (tried.length === 0) return withPort(bareHostname(facts.url));
  const named = tried.slice(0, NAMED_ADDRESSES).map(withPort);
  return tried.length > NAMED_ADDRESSES ? `${named.join(' or ')} or ${tried.length - NAMED_ADDRESSES} more` : named.join(' or ');
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
