import 'reflect-metadata';
import { isIP } from 'node:net';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { DNS_NAME_PATTERN } from '@jarvis/contracts';
import { Describe } from './config-description.js';
import { Satisfies } from './endpoint-config.js';

export const DNS_RECORD_TYPES = ['A', 'AAAA'] as const;
export type DnsRecordType = (typeof DNS_RECORD_TYPES)[number];

/** Where the expected address comes from when none is configured: the address ddclient last published. */
export const DNS_EXPECTED_SOURCES = ['ddclient'] as const;
export type DnsExpectedSource = (typeof DNS_EXPECTED_SOURCES)[number];

const MAX_SERVERS = 8;
const MAX_EXPECTED_ADDRESSES = 16;

/** `IP`, `IP:port` or `[IPv6]:port`, the forms node:dns's `setServers` takes; names are refused (no lookup to look up). */
export function dnsServerProblem(value: unknown): string | null {
  if (typeof value !== 'string') return 'must be a string';
  if (value.length > 64) return 'must be at most 64 characters';
  const bracketed = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(value);
  const [host, port] = bracketed ? [bracketed[1]!, bracketed[2]] : value.includes('.') && value.includes(':') ? value.split(':', 2) : [value, undefined];
  if (bracketed && isIP(host) !== 6) return `must put only an IPv6 address in brackets, not "${host}"`;
  if (isIP(host) === 0) return `must be an IP address, optionally with a port (127.0.0.1:5353, [::1]:53), not "${value}"`;
  if (port !== undefined && !(/^\d{1,5}$/.test(port) && Number(port) >= 1 && Number(port) <= 65535)) return `must have a port from 1 to 65535, not "${port}"`;
  return null;
}

function serverListProblem(value: unknown): string | null {
  if (!Array.isArray(value)) return 'must be a list of servers';
  const problems = value.map((server, index) => [index, dnsServerProblem(server)] as const).filter(([, problem]) => problem !== null);
  return problems.length === 0 ? null : problems.map(([index, problem]) => `[${index}] ${problem}`).join('; ');
}

function someServer(_: unknown, record: DnsRecordConfig): string | null {
  const count = (record.resolvers?.length ?? 0) + (record.authoritative?.length ?? 0);
  return count === 0 ? 'needs at least one server: list resolvers, authoritative servers or both' : null;
}

/**
 * Exactly one source of the expected address (a list, or what ddclient last pushed); the list's own shape is
 * checked here too, so a bad entry gets one message naming it.
 */
function expectedAddressesProblem(value: unknown, record: DnsRecordConfig): string | null {
  if (value === undefined) return record.expectedFrom === undefined ? 'is missing: list the expected addresses, or set expectedFrom: ddclient' : null;
  if (record.expectedFrom !== undefined) return 'must not be set together with expectedFrom: say either which addresses or where they come from';
  if (!Array.isArray(value) || value.length === 0) return 'must be a non-empty list of IP addresses';
  if (value.length > MAX_EXPECTED_ADDRESSES) return `must have at most ${MAX_EXPECTED_ADDRESSES} entries`;
  const notIp = value.findIndex((address) => typeof address !== 'string' || isIP(address) === 0);
  if (notIp >= 0) return `[${notIp}] must be an IPv4 or IPv6 address, not ${JSON.stringify(value[notIp])}`;
  if (new Set(value).size !== value.length) return 'must not list an address twice';
  const types: unknown = record.types;
  const unchecked = (value as string[]).find((address) => Array.isArray(types) && !types.includes(isIP(address) === 6 ? 'AAAA' : 'A'));
  if (unchecked === undefined) return null;
  return isIP(unchecked) === 6 ? `${unchecked} is an IPv6 address, but types does not ask for AAAA` : `${unchecked} is an IPv4 address, but types does not ask for A`;
}

/** One DNS name watched by `infrastructure_diagnose_dns` (check dns_resolution): its A/AAAA at each listed server. */
export class DnsRecordConfig {
  @Describe('The name whose A/AAAA records are checked (lower case, no trailing dot); also the target id dns_record:<domain>.')
  @IsString()
  @MaxLength(253)
  @Matches(DNS_NAME_PATTERN, { message: 'must be a lower-case DNS name without the trailing dot (www.example.org)' })
  domain!: string;

  @Describe('The addresses the name must resolve to (IPv4 for A, IPv6 for AAAA). Leave out to use expectedFrom.')
  @ValidateIf((record: DnsRecordConfig) => record.expectedAddresses !== undefined || record.expectedFrom === undefined)
  @Satisfies('expectedAddresses', expectedAddressesProblem)
  expectedAddresses?: string[];

  @Describe('Instead of expectedAddresses: expect the address ddclient last published for this name.')
  @IsOptional()
  @IsIn(DNS_EXPECTED_SOURCES)
  expectedFrom?: DnsExpectedSource;

  @Describe('Record types asked for: A, AAAA or both. An expected type with no record of it is a failure, an unexpected record too.')
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(DNS_RECORD_TYPES, { each: true })
  types: DnsRecordType[] = ['A'];

  @Describe('Resolvers asked (recursive servers your clients use), as IP or IP:port ([::1]:53 for IPv6 with a port).')
  @IsArray()
  @ArrayMaxSize(MAX_SERVERS)
  @ArrayUnique()
  @Satisfies('dnsServers', serverListProblem)
  @Satisfies('someServer', someServer)
  resolvers: string[] = [];

  @Describe("The zone's authoritative servers, asked directly: what they answer is what the zone says now.")
  @IsArray()
  @ArrayMaxSize(MAX_SERVERS)
  @ArrayUnique()
  @Satisfies('dnsServers', serverListProblem)
  authoritative: string[] = [];

  @Describe('Wait for one answer this many milliseconds before trying again or giving up (a timeout).')
  @IsInt()
  @Min(100)
  @Max(30000)
  timeoutMs = 2000;

  @Describe('Attempts per server and type before a silent server counts as a timeout.')
  @IsInt()
  @Min(1)
  @Max(5)
  tries = 2;

  @Describe('How often the record is checked, in seconds.')
  @IsInt()
  @Min(5)
  @Max(86400)
  intervalSeconds = 60;
}

export class DnsConfig {
  @Describe('DNS names checked on a schedule (check dns_resolution): NXDOMAIN, SERVFAIL, timeouts, wrong addresses, resolver/authoritative drift, propagation.')
  @IsArray()
  @ArrayMaxSize(1000)
  @ArrayUnique((record: DnsRecordConfig) => record?.domain, { message: 'must not list a domain twice (dns.records[].domain is the target id)' })
  @ValidateNested({ each: true })
  @Type(() => DnsRecordConfig)
  records: DnsRecordConfig[] = [];
}
