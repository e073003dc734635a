import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  registerDecorator,
  ValidateNested,
  type ValidationArguments,
} from 'class-validator';
import { CONTAINER_NAME_PATTERN } from '@jarvis/contracts';
import { absolutePath } from './absolute-path.js';
import { DEFAULT_EXPECTED_STATUS, parseStatusEntry, type ExpectedStatusEntry } from './expected-status.js';

/** An endpoint's name is its target id: lowercase, so it is safe in subjects, keys and file names alike. */
export const ENDPOINT_NAME_PATTERN = /^[a-z0-9][a-z0-9_.-]{0,62}$/;
export const ENDPOINT_METHODS = ['GET', 'HEAD'] as const;
export type EndpointMethod = (typeof ENDPOINT_METHODS)[number];

/** Dot path into a JSON answer: `status`, `checks.db.state`, `items.0.ok`. */
export const JSON_FIELD_PATH_PATTERN = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+){0,15}$/;
const MAX_EXPECTED_STATUS_ENTRIES = 20;

/** A check that names the problem with a value, or null when there is none. */
type Rule<T> = (value: unknown, owner: T) => string | null;

/** Validates a property with a rule; the rule's answer is the message, so each failure says its own reason. */
export function Satisfies<T>(name: string, rule: Rule<T>): PropertyDecorator {
  return (object, propertyName) => {
    registerDecorator({
      name,
      target: object.constructor,
      propertyName: propertyName as string,
      validator: {
        validate: (value: unknown, args: ValidationArguments) => rule(value, args.object as T) === null,
        defaultMessage: (args?: ValidationArguments) => (args ? (rule(args.value, args.object as T) ?? '') : ''),
      },
    });
  };
}

function httpUrlProblem(value: unknown): string | null {
  if (typeof value !== 'string') return 'must be a string';
  if (value.length > 2048) return 'must be at most 2048 characters';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute URL (http://host:port/path)';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `must be http or https, not ${url.protocol.slice(0, -1)}`;
  if (url.username !== '' || url.password !== '') return 'must not carry credentials (user:password@): they would end up in events';
  return null;
}

function expectedStatusProblem(value: unknown): string | null {
  if (!Array.isArray(value) || value.length === 0) return 'must be a non-empty list of status codes or ranges, e.g. [200, "300-399"]';
  if (value.length > MAX_EXPECTED_STATUS_ENTRIES) return `must have at most ${MAX_EXPECTED_STATUS_ENTRIES} entries`;
  const problems = value.map(parseStatusEntry).filter((range): range is string => typeof range === 'string');
  return problems[0] ?? null;
}

function jsonScalarProblem(value: unknown): string | null {
  if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) return null;
  return 'must be a string, a number, true, false or null';
}

function bodyNeedsGet(_: unknown, endpoint: HttpEndpointConfig): string | null {
  return endpoint.method === 'HEAD' ? 'needs method GET: the answer to HEAD has no body' : null;
}

function latencyWithinTimeout(value: unknown, endpoint: HttpEndpointConfig): string | null {
  return typeof value === 'number' && value > endpoint.timeoutMs ? `must not exceed timeoutMs (${endpoint.timeoutMs})` : null;
}

function timeoutWithinInterval(value: unknown, endpoint: HttpEndpointConfig): string | null {
  const intervalMs = endpoint.intervalSeconds * 1000;
  return typeof value === 'number' && value >= intervalMs ? `must be shorter than intervalSeconds (${endpoint.intervalSeconds} s)` : null;
}

function caFileNeedsVerifiedHttps(_: unknown, endpoint: HttpEndpointConfig): string | null {
  if (typeof endpoint.url !== 'string' || !endpoint.url.startsWith('https:')) return 'needs an https url';
  return endpoint.tlsVerify ? null : 'has no effect with tlsVerify: false';
}

export class JsonFieldExpectation {
  @IsString()
  @MaxLength(256)
  @Matches(JSON_FIELD_PATH_PATTERN, { message: 'must be a dot path such as status or checks.db.state' })
  path!: string;

  @Satisfies('jsonScalar', jsonScalarProblem)
  equals!: string | number | boolean | null;
}

/** One HTTP endpoint watched by the `health_check_endpoints` capability. */
export class HttpEndpointConfig {
  /** The target id of the endpoint. */
  @IsString()
  @Matches(ENDPOINT_NAME_PATTERN, { message: 'must be a target id: lowercase letters, digits, _ . - (at most 63), starting with a letter or digit' })
  name!: string;

  @Satisfies('httpUrl', httpUrlProblem)
  url!: string;

  @IsIn(ENDPOINT_METHODS)
  method: EndpointMethod = 'GET';

  /** Status codes counted as healthy: codes and inclusive ranges. */
  @Satisfies('expectedStatus', expectedStatusProblem)
  expectStatus: ExpectedStatusEntry[] = [...DEFAULT_EXPECTED_STATUS];

  /** From the start of the probe (name resolution included) to the end of the (bounded) body. */
  @IsInt()
  @Min(1)
  @Max(60000)
  @Satisfies('latencyWithinTimeout', latencyWithinTimeout)
  maxLatencyMs = 2000;

  /** A keyword the body must contain (searched in its first 64 KiB). */
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  @Satisfies('bodyNeedsGet', bodyNeedsGet)
  bodyContains?: string;

  @IsOptional()
  @ValidateNested()
  @Type(() => JsonFieldExpectation)
  @Satisfies('bodyNeedsGet', bodyNeedsGet)
  jsonField?: JsonFieldExpectation;

  /** Verify the server's certificate and name; turning it off must be said explicitly. */
  @IsBoolean()
  tlsVerify = true;

  /** A PEM bundle trusted for this endpoint in addition to the system's CAs (a homelab's own CA). */
  @IsOptional()
  @Satisfies('absolutePath', absolutePath)
  @Satisfies('caFileNeedsVerifiedHttps', caFileNeedsVerifiedHttps)
  caFile?: string;

  /** The whole probe: name resolution, connection, TLS, answer and body. */
  @IsInt()
  @Min(100)
  @Max(60000)
  @Satisfies('timeoutWithinInterval', timeoutWithinInterval)
  timeoutMs = 5000;

  @IsInt()
  @Min(1)
  @Max(86400)
  intervalSeconds = 30;

  /** Link-local and cloud-metadata addresses (169.254.0.0/16, fe80::/10, fd00:ec2::254) are refused unless this is true. */
  @IsBoolean()
  allowLinkLocal = false;

  /** The Docker container that serves the endpoint: restarting it is the endpoint's remediation. */
  @IsOptional()
  @IsString()
  @MaxLength(128)
  @Matches(CONTAINER_NAME_PATTERN, { message: 'must be a Docker container name ([a-zA-Z0-9][a-zA-Z0-9_.-]*)' })
  container?: string;
}
