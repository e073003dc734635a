import type { DnsRecordType } from '@jarvis/config';

/**
 * How one server answered one question. `nodata`: the name exists but has no record of that type (NOERROR, empty
 * answer); `refused`/`error`: the server would not or could not say (detail has the code).
 */
export const DNS_OUTCOMES = ['answer', 'nodata', 'nxdomain', 'servfail', 'refused', 'timeout', 'error'] as const;
export type DnsOutcome = (typeof DNS_OUTCOMES)[number];

export type DnsReply = { outcome: DnsOutcome; addresses: string[]; detail?: string };

export type DnsQuery = { server: string; name: string; type: DnsRecordType; timeoutMs: number; tries: number };

/** The port to the network: one question to one server; a failing server is a reply, never an exception. */
export interface DnsQueryPort {
  query(question: DnsQuery, signal: AbortSignal): Promise<DnsReply>;
}

/**
 * What ddclient last published for a name (`expectedFrom: ddclient`); the ddclient kind provides it. `null`: it
 * has published nothing for that name, or its record cannot be read (`why` says which).
 */
export type PushedAddresses = { addresses: string[] } | { addresses: null; why: string };

export interface PushedAddressPort {
  lastPushed(domain: string, signal: AbortSignal): Promise<PushedAddresses>;
}
