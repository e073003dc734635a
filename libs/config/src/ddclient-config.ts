import 'reflect-metadata';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayUnique, IsArray, IsInt, IsOptional, IsString, Matches, Max, Min, registerDecorator, ValidateNested, type ValidationArguments } from 'class-validator';
import { CONFIGURED_NAME_PATTERN } from '@jarvis/contracts';
import { Describe } from './config-description.js';
import { absolutePathProblem } from './disk-config.js';
import { RunsAsConfig } from './runs-as-config.js';

function IsAbsolutePath(options: { each?: boolean } = {}): PropertyDecorator {
  return (object, propertyName) =>
    registerDecorator({
      name: 'isAbsolutePath',
      target: object.constructor,
      propertyName: propertyName as string,
      options: { each: options.each ?? false },
      validator: {
        validate: (value: unknown) => absolutePathProblem(value) === undefined,
        defaultMessage: (args?: ValidationArguments) => (Array.isArray(args?.value) ? entryProblems(args.value) : absolutePathProblem(args?.value)) ?? 'must be an absolute, normalized path',
      },
    });
}

function entryProblems(values: unknown[]): string {
  return values.flatMap((value, index) => {
    const problem = absolutePathProblem(value);
    return problem === undefined ? [] : [`[${index}] ${problem}`];
  }).join('; ');
}

/** The ddclient Jarvis looks after (check ddclient_update): its config, its log and how it is run. */
export class DdclientConfig {
  @Describe('The target id: ddclient:<name>.')
  @IsString()
  @Matches(CONFIGURED_NAME_PATTERN, { message: 'must be a target id: lowercase letters, digits, _ . - (at most 63), starting with a letter or digit' })
  name = 'ddclient';

  @Describe('Absolute path of ddclient.conf; it is parsed and validated on every probe.')
  @IsString()
  @IsAbsolutePath()
  config!: string;

  @Describe("Absolute path of a file ddclient's output or log goes to; its latest line per host says whether updates succeed.")
  @IsOptional()
  @IsString()
  @IsAbsolutePath()
  log?: string;

  @Describe("ddclient's cache file (-cache), used when Jarvis runs ddclient itself.")
  @IsString()
  @IsAbsolutePath()
  cache = '/var/cache/ddclient/ddclient.cache';

  @Describe('The ddclient program, an absolute path; Jarvis runs it as argv, never through a shell.')
  @IsString()
  @IsAbsolutePath()
  program = '/usr/bin/ddclient';

  @Describe("Folders nsupdate's TSIG key files may be read from, besides the folder of ddclient.conf (symlinks resolved).")
  @IsArray()
  @ArrayMaxSize(16)
  @ArrayUnique({ message: 'must not list a folder twice' })
  @IsString({ each: true })
  @IsAbsolutePath({ each: true })
  keyFolders: string[] = [];

  @Describe('How often the config and the log are checked, in seconds.')
  @IsInt()
  @Min(10)
  @Max(86400)
  intervalSeconds = 300;

  @Describe('A ddclient run that has not finished within this many seconds is stopped (SIGTERM, then SIGKILL).')
  @IsInt()
  @Min(1)
  @Max(600)
  runTimeoutSeconds = 60;

  @Describe('How it runs (a container or a systemd unit): Jarvis restarts it that way when its own fix did not help; absent: no restart.')
  @IsOptional()
  @ValidateNested()
  @Type(() => RunsAsConfig)
  runsAs?: RunsAsConfig;
}
