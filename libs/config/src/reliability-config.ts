import 'reflect-metadata';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayUnique, IsArray, IsNumber, IsString, Matches, Max, Min, ValidateNested } from 'class-validator';
import { Describe } from './config-description.js';

/** What one successful action of a type spares a person: noticing, logging in, finding the cause, fixing, checking. */
export class TimeSavedConfig {
  @Describe('The action type, e.g. restart_container.')
  @IsString()
  @Matches(/^[a-z][a-z0-9_]{0,63}$/, { message: 'must be an action name such as restart_container' })
  action!: string;

  @Describe('Minutes of a person\'s time one successful run of it stands for.')
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1440)
  minutes!: number;
}

function estimate(action: string, minutes: number): TimeSavedConfig {
  return Object.assign(new TimeSavedConfig(), { action, minutes });
}

/**
 * The estimates behind "time saved" in the reliability figures. The defaults are a homelab owner's rough cost of
 * doing it by hand at a bad moment; tune them to your own.
 */
export class ReliabilityConfig {
  @Describe('Minutes saved per successful action, by action type.')
  @IsArray()
  @ArrayMaxSize(200)
  @ArrayUnique((entry: TimeSavedConfig) => entry.action, { message: 'each action may be listed once' })
  @ValidateNested({ each: true })
  @Type(() => TimeSavedConfig)
  timeSaved: TimeSavedConfig[] = [estimate('restart_container', 15), estimate('restart_serving_container', 15), estimate('clean_tmp_files', 20), estimate('cleanup_old_logs', 20), estimate('infrastructure_fix_ddclient', 30), estimate('infrastructure_remediate_ssl', 30)];

  @Describe('Minutes saved per successful action of a type not listed in timeSaved.')
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1440)
  defaultMinutes = 10;
}
