import 'reflect-metadata';
import { IsIn, IsString, MaxLength, registerDecorator, type ValidationArguments } from 'class-validator';

/** Docker's own rule for container names. */
export const CONTAINER_NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

/** A name chosen in jarvis.yaml: lower case, no path or shell syntax. */
export const CONFIGURED_NAME_PATTERN = /^[a-z0-9][a-z0-9_.-]{0,62}$/;

/** An absolute, normalised path: no `.`/`..` segments, no doubled or trailing slash, no control or shell characters. */
export const MOUNT_PATH_PATTERN = /^\/(?:(?!\.{1,2}(?:\/|$))[A-Za-z0-9._@+-]+(?:\/(?!\.{1,2}(?:\/|$))[A-Za-z0-9._@+-]+)*)?$/;

/** A host name as DNS writes it, lower case, without the root dot: labels of letters, digits and inner hyphens. */
export const DNS_NAME_PATTERN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

type IdentityRule = { pattern: RegExp; maxLength: number; describe: string };

/**
 * How each kind of target is named, checked on every message, so an id can never smuggle path or shell syntax
 * beyond what its kind allows. A new kind is one entry here and one folder in the capability registry.
 */
export const TARGET_IDENTITY = {
  container: { pattern: CONTAINER_NAME_PATTERN, maxLength: 128, describe: 'a Docker container name ([a-zA-Z0-9][a-zA-Z0-9_.-]*)' },
  disk: { pattern: MOUNT_PATH_PATTERN, maxLength: 256, describe: 'an absolute, normalised mount path (/srv/data)' },
  http_endpoint: { pattern: CONFIGURED_NAME_PATTERN, maxLength: 63, describe: 'an endpoint name from jarvis.yaml ([a-z0-9][a-z0-9_.-]*)' },
  tls_certificate: { pattern: CONFIGURED_NAME_PATTERN, maxLength: 63, describe: 'a TLS endpoint name from jarvis.yaml ([a-z0-9][a-z0-9_.-]*)' },
  caddy: { pattern: CONFIGURED_NAME_PATTERN, maxLength: 63, describe: 'a Caddy instance name from jarvis.yaml ([a-z0-9][a-z0-9_.-]*)' },
  ddclient: { pattern: CONFIGURED_NAME_PATTERN, maxLength: 63, describe: 'the ddclient name from jarvis.yaml ([a-z0-9][a-z0-9_.-]*)' },
  dns_record: { pattern: DNS_NAME_PATTERN, maxLength: 253, describe: 'a lower-case DNS name without the root dot (www.example.org)' },
} as const satisfies Record<string, IdentityRule>;

export type TargetKind = keyof typeof TARGET_IDENTITY;
export const TARGET_KINDS = Object.keys(TARGET_IDENTITY) as TargetKind[];

export function isTargetKind(value: unknown): value is TargetKind {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(TARGET_IDENTITY, value);
}

/** Why `id` is not a valid identity for `kind`, or null when it is. */
export function targetIdError(kind: unknown, id: unknown): string | null {
  if (!isTargetKind(kind)) return null;
  const rule: IdentityRule = TARGET_IDENTITY[kind];
  if (typeof id !== 'string') return 'must be a string';
  if (id.length > rule.maxLength) return `must be at most ${rule.maxLength} characters for a ${kind}`;
  return rule.pattern.test(id) ? null : `must be ${rule.describe}`;
}

function IsIdentityOfItsKind(): PropertyDecorator {
  return (object, propertyName) =>
    registerDecorator({
      name: 'isIdentityOfItsKind',
      target: object.constructor,
      propertyName: propertyName as string,
      validator: {
        validate: (value: unknown, args: ValidationArguments) => targetIdError((args.object as TargetRef).kind, value) === null,
        defaultMessage: (args: ValidationArguments) => targetIdError((args.object as TargetRef).kind, args.value) ?? 'is invalid',
      },
    });
}

/** What Jarvis watches and acts on: a kind plus an id whose form the kind decides. */
export class TargetRef {
  @IsIn(TARGET_KINDS)
  kind!: TargetKind;

  @IsString()
  @MaxLength(256)
  @IsIdentityOfItsKind()
  id!: string;
}

export function targetOf(kind: TargetKind, id: string): TargetRef {
  return Object.assign(new TargetRef(), { kind, id });
}

export function containerTarget(name: string): TargetRef {
  return targetOf('container', name);
}

/** Stable key used as the envelope subject and for per-target state. */
export function targetKey(target: TargetRef): string {
  return `${target.kind}:${target.id}`;
}

/** The target a key names, or an error naming what is wrong with it (a CLI argument, a jarvis.yaml entry). */
export function parseTargetKey(key: string): { ok: true; target: TargetRef } | { ok: false; error: string } {
  const colon = key.indexOf(':');
  const kind = colon < 0 ? '' : key.slice(0, colon);
  if (!isTargetKind(kind)) return { ok: false, error: `"${key}" must start with a target kind (${TARGET_KINDS.join(', ')}) and a colon` };
  const id = key.slice(colon + 1);
  const error = targetIdError(kind, id);
  return error ? { ok: false, error: `"${key}": the id ${error}` } : { ok: true, target: targetOf(kind, id) };
}

/** Incidents are kept per target and check: a DNS failure and a TLS failure of one host are two incidents. */
export function caseKeyOf(target: TargetRef | string, check: string): string {
  return `${typeof target === 'string' ? target : targetKey(target)}#${check}`;
}
