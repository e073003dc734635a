import 'reflect-metadata';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsString, Matches, registerDecorator, ValidateNested, type ValidationArguments } from 'class-validator';
import { parseTargetKey } from '@jarvis/contracts';
import { Describe } from './config-description.js';

function IsTargetKey(): PropertyDecorator {
  return (object, propertyName) =>
    registerDecorator({
      name: 'isTargetKey',
      target: object.constructor,
      propertyName: propertyName as string,
      validator: {
        validate: (value: unknown) => typeof value === 'string' && parseTargetKey(value).ok,
        defaultMessage: (args: ValidationArguments) => {
          const parsed = typeof args.value === 'string' ? parseTargetKey(args.value) : undefined;
          return parsed && !parsed.ok ? parsed.error : 'must be a target key such as container:web';
        },
      },
    });
}

/** Another action (or `none`: a person decides) for one check of one target, instead of its kind's default. */
export class RemediationOverrideConfig {
  @Describe('The target, as kind:id: container:plex, disk:/srv, http_endpoint:nextcloud.')
  @IsTargetKey()
  target!: string;

  @Describe('The check whose failure this entry answers: container_state, disk_usage, http_health.')
  @IsString()
  @Matches(/^[a-z][a-z0-9_]{0,63}$/, { message: 'must be a check name such as container_state' })
  check!: string;

  @Describe('The action that answers it (one of the kind\'s actions), or none: a person decides.')
  @IsString()
  @Matches(/^[a-z][a-z0-9_]{0,63}$/, { message: 'must be an action name such as restart_container, or none' })
  action!: string;
}

export class RemediationConfig {
  @Describe("Per target and check, another action than the kind's default, or none.")
  @IsArray()
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => RemediationOverrideConfig)
  overrides: RemediationOverrideConfig[] = [];
}
