import 'reflect-metadata';
import { isIP } from 'node:net';
import { Type } from 'class-transformer';
import { IsInt, IsIP, IsOptional, IsString, Matches, Max, Min, ValidateNested } from 'class-validator';
import { Describe } from './config-description.js';
import { absolutePath } from './absolute-path.js';
import { ENDPOINT_NAME_PATTERN, Satisfies } from './endpoint-config.js';
import { RunsAsConfig } from './runs-as-config.js';
import { CertificateExpectations } from './tls-config.js';

/** Caddy's admin API has no authentication, so Jarvis only talks to one that listens on loopback. */
function loopbackProblem(value: unknown): string | null {
  if (typeof value !== 'string' || isIP(value) === 0) return 'must be an IPv4 or IPv6 address';
  return value.startsWith('127.') || value === '::1' ? null : 'must be a loopback address (127.0.0.0/8 or ::1): the admin API has no authentication';
}

function timeoutWithinInterval(value: unknown, owner: CaddyConfig): string | null {
  return typeof value === 'number' && value >= owner.intervalSeconds * 1000 ? `must be shorter than intervalSeconds (${owner.intervalSeconds} s)` : null;
}

/**
 * One Caddy instance (checks caddy_admin_api, caddy_config_loaded, caddy_caddyfile_valid, caddy_upstreams,
 * caddy_certificates). Its sites' certificates are judged like tls.endpoints[], with the same expectations.
 */
export class CaddyConfig extends CertificateExpectations {
  @Describe('The target id (caddy:<name>).')
  @IsString()
  @Matches(ENDPOINT_NAME_PATTERN, { message: 'must be a target id: lowercase letters, digits, _ . - (at most 63), starting with a letter or digit' })
  name!: string;

  @Describe("The admin API's address (Caddy's `admin` global option); loopback only.")
  @Satisfies('loopback', loopbackProblem)
  adminAddress = '127.0.0.1';

  @Describe("The admin API's TCP port.")
  @IsInt()
  @Min(1)
  @Max(65535)
  adminPort = 2019;

  @Describe('The Caddyfile checked with `caddy validate` and read with `caddy adapt`; it must lie under the folders allowed for Caddyfiles (/etc/caddy).')
  @Satisfies('absolutePath', absolutePath)
  caddyfile!: string;

  @Describe('The caddy program, as an absolute path: it is run with an argument list, never through a shell.')
  @Satisfies('absolutePath', absolutePath)
  binary = '/usr/bin/caddy';

  @Describe("The IP address Caddy's HTTPS sites are reached at, for the certificate check of every site (names are not resolved).")
  @IsIP(undefined, { message: 'must be an IPv4 or IPv6 address' })
  httpsAddress = '127.0.0.1';

  @Describe("Caddy's HTTPS port (the `https_port` global option).")
  @IsInt()
  @Min(1)
  @Max(65535)
  httpsPort = 443;

  @Describe('Deadline of each step (an admin API call, a caddy run, one TLS handshake, one upstream connection), in milliseconds.')
  @IsInt()
  @Min(100)
  @Max(60000)
  @Satisfies('timeoutWithinInterval', timeoutWithinInterval)
  timeoutMs = 10000;

  @Describe('How often each Caddy check runs, in seconds.')
  @IsInt()
  @Min(1)
  @Max(86400)
  intervalSeconds = 300;

  @Describe('How it runs (a container or a systemd unit): Jarvis restarts it that way when its own fix did not help; absent: no restart.')
  @IsOptional()
  @ValidateNested()
  @Type(() => RunsAsConfig)
  runsAs?: RunsAsConfig;
}
