import 'reflect-metadata';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayUnique, IsArray, IsInt, IsIP, IsOptional, IsString, Matches, Max, Min, ValidateNested } from 'class-validator';
import { Describe } from './config-description.js';
import { absolutePath, allowedFolders } from './absolute-path.js';
import { ENDPOINT_NAME_PATTERN, Satisfies } from './endpoint-config.js';

/** A DNS name as sent in SNI: letters, digits and hyphens between dots, no trailing dot, at most 253 characters. */
export const TLS_HOST_PATTERN = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

function criticalBelowWarn(value: unknown, owner: CertificateExpectations): string | null {
  return typeof value === 'number' && value >= owner.warnDays ? `must be less than warnDays (${owner.warnDays})` : null;
}

function timeoutWithinInterval(value: unknown, owner: { intervalSeconds: number }): string | null {
  return typeof value === 'number' && value >= owner.intervalSeconds * 1000 ? `must be shorter than intervalSeconds (${owner.intervalSeconds} s)` : null;
}

/** What a served certificate is judged against: the trusted CAs and how close to its expiry it may get. */
export class CertificateExpectations {
  @Describe('A PEM bundle trusted in addition to the system CAs (a homelab CA), read only from the allowed folders (/etc/jarvis, /etc/ssl/certs, /usr/local/share/ca-certificates).')
  @IsOptional()
  @Satisfies('absolutePath', absolutePath)
  caFile?: string;

  @Describe('A certificate expiring within this many days is a warning.')
  @IsInt()
  @Min(1)
  @Max(365)
  warnDays = 21;

  @Describe('A certificate expiring within this many days is critical; less than warnDays.')
  @IsInt()
  @Min(0)
  @Max(364)
  @Satisfies('criticalBelowWarn', criticalBelowWarn)
  criticalDays = 7;
}

/** One TLS service whose certificate is checked (check tls_certificate), reached at a configured address, never through DNS. */
export class TlsEndpointConfig extends CertificateExpectations {
  @Describe('The target id (tls_certificate:<name>).')
  @IsString()
  @Matches(ENDPOINT_NAME_PATTERN, { message: 'must be a target id: lowercase letters, digits, _ . - (at most 63), starting with a letter or digit' })
  name!: string;

  @Describe('The name sent as SNI and that the certificate must cover (www.example.org).')
  @IsString()
  @Matches(TLS_HOST_PATTERN, { message: 'must be a lowercase DNS name such as www.example.org (no wildcard, no trailing dot)' })
  host!: string;

  @Describe("The IP address the TLS handshake goes to: the host's name is not resolved, so a DNS fault cannot hide a certificate fault.")
  @IsIP(undefined, { message: 'must be an IPv4 or IPv6 address' })
  address!: string;

  @Describe('The TCP port of the TLS service.')
  @IsInt()
  @Min(1)
  @Max(65535)
  port = 443;

  @Describe('Deadline of the connection and handshake, in milliseconds.')
  @IsInt()
  @Min(100)
  @Max(60000)
  @Satisfies('timeoutWithinInterval', timeoutWithinInterval)
  timeoutMs = 5000;

  @Describe('How often the certificate is checked, in seconds.')
  @IsInt()
  @Min(1)
  @Max(86400)
  intervalSeconds = 300;
}

export class TlsConfig {
  @Describe('TLS services whose certificates are checked on a schedule (check tls_certificate).')
  @IsArray()
  @ArrayMaxSize(1000)
  @ArrayUnique((endpoint: TlsEndpointConfig) => endpoint?.name, { message: 'must not name two endpoints alike (tls.endpoints[].name is the target id)' })
  @ValidateNested({ each: true })
  @Type(() => TlsEndpointConfig)
  endpoints: TlsEndpointConfig[] = [];

  @Describe('Folders a caFile (tls.endpoints, caddy, endpoints) may also be read from, besides /etc/jarvis, /etc/ssl/certs and /usr/local/share/ca-certificates: absolute, normalized, never "/"; judged on real paths.')
  @IsArray()
  @ArrayMaxSize(16)
  @ArrayUnique()
  @Satisfies('allowedFolders', allowedFolders)
  extraCaFolders: string[] = [];
}

