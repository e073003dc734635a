import 'reflect-metadata';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayUnique, IsArray, IsInt, IsOptional, IsString, Matches, Max, Min, ValidateNested } from 'class-validator';
import { CONFIGURED_NAME_PATTERN } from '@jarvis/contracts';
import { Describe } from './config-description.js';
import { absolutePath, allowedFolders } from './absolute-path.js';
import { Satisfies } from './endpoint-config.js';
import { RunsAsConfig } from './runs-as-config.js';

/** The ddclient Jarvis looks after (check ddclient_update): its config, its log and how it is run. */
export class DdclientConfig {
  @Describe('The target id: ddclient:<name>.')
  @IsString()
  @Matches(CONFIGURED_NAME_PATTERN, { message: 'must be a target id: lowercase letters, digits, _ . - (at most 63), starting with a letter or digit' })
  name = 'ddclient';

  @Describe('Absolute path of ddclient.conf; it is parsed and validated on every probe.')
  @IsString()
  @Satisfies('absolutePath', absolutePath)
  config!: string;

  @Describe("Absolute path of a file ddclient's output or log goes to; its latest line per host says whether updates succeed.")
  @IsOptional()
  @IsString()
  @Satisfies('absolutePath', absolutePath)
  log?: string;

  @Describe("ddclient's cache file (-cache), used when Jarvis runs ddclient itself.")
  @IsString()
  @Satisfies('absolutePath', absolutePath)
  cache = '/var/cache/ddclient/ddclient.cache';

  @Describe('The ddclient program, an absolute path; Jarvis runs it as argv, never through a shell.')
  @IsString()
  @Satisfies('absolutePath', absolutePath)
  program = '/usr/bin/ddclient';

  @Describe("Folders nsupdate's TSIG key files may be read from, besides the folder of ddclient.conf (symlinks resolved).")
  @IsArray()
  @ArrayMaxSize(16)
  @ArrayUnique({ message: 'must not list a folder twice' })
  @IsString({ each: true })
  @Satisfies('allowedFolders', allowedFolders)
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
