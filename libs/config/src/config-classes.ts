import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, type MetadataStorage } from 'class-validator';

export type ConfigClass = new () => object;

/** class-validator does not export this type from its entry point. */
export type ValidationMetadata = ReturnType<MetadataStorage['getTargetValidationMetadatas']>[number];

/** A property validated as a nested section (`@ValidateNested` + `@Type`), or a list of them. */
export type NestedSection = { cls: ConfigClass; list: boolean };

/** class-validator's metadata of one class, grouped by property in declaration order. */
export function validatedProperties(cls: ConfigClass): Map<string, ValidationMetadata[]> {
  const byProperty = new Map<string, ValidationMetadata[]>();
  for (const metadata of getMetadataStorage().getTargetValidationMetadatas(cls, '', true, false)) {
    byProperty.set(metadata.propertyName, [...(byProperty.get(metadata.propertyName) ?? []), metadata]);
  }
  return byProperty;
}

/** The name a failed constraint has in `ValidationError.constraints` (isInt, min, nestedValidation, ...). */
export function constraintName(metadata: ValidationMetadata): string {
  return metadata.type === 'customValidation' && metadata.name ? metadata.name : metadata.type;
}

export function defaultsOf(cls: ConfigClass): Record<string, unknown> {
  return new cls() as Record<string, unknown>;
}

/**
 * class-transformer keeps `@Type` metadata private, so the section class is read back the way validation itself
 * gets it: by converting an empty section (or a list of one) and looking at what comes out.
 */
export function nestedSectionOf(cls: ConfigClass, property: string): NestedSection | undefined {
  const metadata = validatedProperties(cls).get(property) ?? [];
  if (!metadata.some((m) => m.type === 'nestedValidation')) return undefined;
  const list = Reflect.getMetadata('design:type', cls.prototype, property) === Array || Array.isArray(defaultsOf(cls)[property]);
  const converted = (plainToInstance(cls, { [property]: list ? [{}] : {} }) as Record<string, unknown>)[property];
  const sample: unknown = list && Array.isArray(converted) ? converted[0] : converted;
  const sectionClass = typeof sample === 'object' && sample !== null ? (sample.constructor as ConfigClass) : Object;
  if (sectionClass === Object) throw new Error(`${cls.name}.${property}: @ValidateNested needs @Type(() => SectionClass)`);
  return { cls: sectionClass, list };
}
