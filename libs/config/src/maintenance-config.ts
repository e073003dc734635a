import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsOptional,
  IsString,
  Matches,
  Validate,
  ValidateNested,
  ValidatorConstraint,
  type ValidationArguments,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { CronExpressionError, CronSchedule, timeZoneProblem } from '@jarvis/schedule';
import { Describe } from './config-description.js';

export const MAINTENANCE_SCHEDULE_ID_PATTERN = /^[a-z0-9][a-z0-9_.-]{0,62}$/;
export const MAINTENANCE_ACTION_PATTERN = /^[a-z][a-z0-9_]{0,63}$/;
/** Only the shape `kind:id`; the registry validates the id by the kind's own rule when it resolves the target. */
export const MAINTENANCE_TARGET_PATTERN = /^[a-z][a-z0-9_-]{0,31}:[^\s\u0000-\u001f\u007f]{1,480}$/;
export const MAX_MAINTENANCE_PARAMS_BYTES = 4096;
export const MAX_MAINTENANCE_PARAMS_DEPTH = 4;
export const MAX_MAINTENANCE_SCHEDULES = 200;

/** Reports only a string's problems: a value of the wrong type is IsString's to report, once. */
@ValidatorConstraint({ name: 'cronExpression' })
class CronExpressionConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value !== 'string' || cronProblem(value) === null;
  }

  defaultMessage(args: ValidationArguments): string {
    return cronProblem(String(args.value)) ?? 'must be a cron expression';
  }
}

@ValidatorConstraint({ name: 'ianaTimeZone' })
class IanaTimeZoneConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value !== 'string' || timeZoneProblem(value) === null;
  }

  defaultMessage(args: ValidationArguments): string {
    return timeZoneProblem(String(args.value)) ?? 'must be an IANA time zone';
  }
}

@ValidatorConstraint({ name: 'boundedParams' })
class BoundedParamsConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return paramsProblem(value) === null;
  }

  defaultMessage(args: ValidationArguments): string {
    return paramsProblem(args.value) ?? 'must be an object';
  }
}

@ValidatorConstraint({ name: 'uniqueScheduleIds' })
class UniqueScheduleIdsConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return duplicateIds(value).length === 0;
  }

  defaultMessage(args: ValidationArguments): string {
    return `ids must be unique; repeated: ${duplicateIds(args.value).join(', ')}`;
  }
}

/** One action run on one target whenever the cron expression fires; each run is a maintenance case of its own. */
export class MaintenanceScheduleConfig {
  @Describe('Names the schedule in events and in the run key `id@slot`, so it stays stable across edits of the rest.')
  @IsString()
  @Matches(MAINTENANCE_SCHEDULE_ID_PATTERN, { message: 'must be 1-63 of a-z 0-9 _ . - starting with a letter or digit' })
  id!: string;

  @Describe('Five fields (minute hour day-of-month month day-of-week) or @hourly, @daily, @weekly, @monthly, @yearly.')
  @IsString()
  @Validate(CronExpressionConstraint)
  cron!: string;

  @Describe('IANA zone the cron times are read in (e.g. Europe/Berlin); UTC when absent.')
  @IsOptional()
  @IsString()
  @Validate(IanaTimeZoneConstraint)
  timezone?: string;

  @Describe('`kind:id`, e.g. `disk:/var/log` or `container:web`.')
  @IsString()
  @Matches(MAINTENANCE_TARGET_PATTERN, { message: 'must be kind:id, for example container:web or disk:/var/log' })
  target!: string;

  @Describe('The action to run, one of the target kind\'s actions.')
  @IsString()
  @Matches(MAINTENANCE_ACTION_PATTERN, { message: 'must be an action name: a-z, 0-9 and _, starting with a letter' })
  action!: string;

  @Describe('The action\'s parameters, validated by the action\'s own params class when the schedule is resolved.')
  @Validate(BoundedParamsConstraint)
  params: Record<string, unknown> = {};

  @Describe('false keeps the schedule in the file without running it.')
  @IsBoolean()
  enabled = true;
}

export class MaintenanceConfig {
  @Describe('Every disk with logFolders also gets a daily cleanup_old_logs run (defaultLogCleanupCron) unless a schedule of yours already runs cleanup_old_logs on it.')
  @IsBoolean()
  defaultLogCleanup = true;

  @Describe('When the default log cleanup runs (cron, UTC).')
  @IsString()
  @Validate(CronExpressionConstraint)
  defaultLogCleanupCron = '0 3 * * *';

  @Describe('Actions run on a schedule: each run is a maintenance case with its own decision, action and verification, under the same policy limits.')
  @IsArray()
  @ArrayMaxSize(MAX_MAINTENANCE_SCHEDULES)
  @ValidateNested({ each: true })
  @Type(() => MaintenanceScheduleConfig)
  @Validate(UniqueScheduleIdsConstraint)
  schedules: MaintenanceScheduleConfig[] = [];
}

function cronProblem(expression: string): string | null {
  try {
    CronSchedule.parse(expression);
    return null;
  } catch (error) {
    // Not error.message: the loader prints the field path first, and a message starting "cron " would lose that word.
    if (error instanceof CronExpressionError) return `${JSON.stringify(expression)} is not a valid cron expression: ${error.reason}`;
    throw error;
  }
}

function paramsProblem(value: unknown): string | null {
  if (!isPlainObject(value)) return 'must be an object of parameters';
  const shapeProblem = jsonShapeProblem(value, '', 1);
  if (shapeProblem !== null) return shapeProblem;
  const bytes = Buffer.byteLength(JSON.stringify(value), 'utf8');
  return bytes > MAX_MAINTENANCE_PARAMS_BYTES ? `is ${bytes} bytes as JSON, the limit is ${MAX_MAINTENANCE_PARAMS_BYTES}` : null;
}

/** Params travel in events as JSON: only what JSON carries unchanged, nested no deeper than the limit. `path` is relative to params. */
function jsonShapeProblem(value: unknown, path: string, depth: number): string | null {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return null;
  if (typeof value === 'number') return Number.isFinite(value) ? null : `${path} must be a finite number`;
  if (!Array.isArray(value) && !isPlainObject(value)) return `${path} must be a string, number, boolean, null, list or object`;
  if (depth > MAX_MAINTENANCE_PARAMS_DEPTH) return `${path} nests deeper than ${MAX_MAINTENANCE_PARAMS_DEPTH} levels`;
  const children: [string, unknown][] = Array.isArray(value)
    ? value.map((item, index) => [`${path}[${index}]`, item])
    : Object.entries(value).map(([key, item]) => [path === '' ? key : `${path}.${key}`, item]);
  for (const [childPath, child] of children) {
    const problem = jsonShapeProblem(child, childPath, depth + 1);
    if (problem !== null) return problem;
  }
  return null;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function duplicateIds(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const item of value as unknown[]) {
    const id = typeof item === 'object' && item !== null ? (item as { id?: unknown }).id : undefined;
    if (typeof id !== 'string') continue;
    if (seen.has(id)) repeated.add(id);
    seen.add(id);
  }
  return [...repeated].sort();
}
