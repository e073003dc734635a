import 'reflect-metadata';
import type { ConfigClass } from './config-classes.js';

const DESCRIPTION = Symbol('jarvis:config-description');

/** What a setting means, for people: shown by editors from the generated JSON Schema (hover, completion). */
export function Describe(text: string): PropertyDecorator {
  return (target, property) => Reflect.defineMetadata(DESCRIPTION, text, target, property);
}

export function descriptionOf(cls: ConfigClass, property: string): string | undefined {
  return Reflect.getMetadata(DESCRIPTION, cls.prototype as object, property) as string | undefined;
}
