import 'reflect-metadata';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsString, Matches, registerDecorator, ValidateNested, type ValidationArguments } from 'class-validator';
import { parseTargetKey } from '@jarvis/contracts';

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
  /** `kind:id`, e.g. `container:plex` or `disk:/srv`. */
  @IsTargetKey()
  target!: string;

  @IsString()
  @Matches(/^[a-z][a-z0-9_]{0,63}$/, { message: 'must be a check name such as container_state' })
  check!: string;

  @IsString()
  @Matches(/^[a-z][a-z0-9_]{0,63}$/, { message: 'must be an action name such as restart_container, or none' })
  action!: string;
}

export class RemediationConfig {
  @IsArray()
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => RemediationOverrideConfig)
  overrides: RemediationOverrideConfig[] = [];
}
