import 'reflect-metadata';
import { IsIn, IsString, Matches, MaxLength } from 'class-validator';

export const TARGET_KINDS = ['container'] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];

/** Docker's own rule for container names, so a target can never smuggle path or shell syntax. */
export const CONTAINER_NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

export class TargetRef {
  @IsIn(TARGET_KINDS)
  kind!: TargetKind;

  @IsString()
  @MaxLength(128)
  @Matches(CONTAINER_NAME_PATTERN, { message: 'must be a Docker container name ([a-zA-Z0-9][a-zA-Z0-9_.-]*)' })
  name!: string;
}

export function containerTarget(name: string): TargetRef {
  return Object.assign(new TargetRef(), { kind: 'container', name });
}

/** Stable key used as the envelope subject and for per-target state. */
export function targetKey(target: TargetRef): string {
  return `${target.kind}:${target.name}`;
}
