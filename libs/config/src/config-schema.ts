import {
  ARRAY_MAX_SIZE,
  ARRAY_MIN_SIZE,
  ARRAY_UNIQUE,
  IS_ARRAY,
  IS_BOOLEAN,
  IS_ENUM,
  IS_IN,
  IS_INT,
  IS_IP,
  IS_NOT_EMPTY,
  IS_NUMBER,
  IS_OBJECT,
  IS_POSITIVE,
  IS_STRING,
  IS_URL,
  MATCHES,
  MAX,
  MAX_LENGTH,
  MIN,
  MIN_LENGTH,
} from 'class-validator';
import { constraintName, defaultsOf, nestedSectionOf, validatedProperties, type ConfigClass, type ValidationMetadata } from './config-classes.js';
import { descriptionOf } from './config-description.js';
import { JarvisConfig } from './jarvis-config.js';

export type JsonSchema = { [keyword: string]: unknown };

/** The committed file editors read (`# yaml-language-server: $schema=./jarvis.schema.json` in the sample). */
export const CONFIG_SCHEMA_FILE = 'infra/config/jarvis.schema.json';

/**
 * JSON Schema keywords for each class-validator constraint, by the name validation reports it under. A constraint
 * missing here is still enforced when the file is loaded; the schema only helps editors and says less.
 */
const KEYWORDS: Record<string, (constraints: unknown[]) => JsonSchema> = {
  [IS_INT]: () => ({ type: 'integer' }),
  [IS_NUMBER]: () => ({ type: 'number' }),
  [IS_BOOLEAN]: () => ({ type: 'boolean' }),
  [IS_STRING]: () => ({ type: 'string' }),
  [IS_ARRAY]: () => ({ type: 'array' }),
  [IS_OBJECT]: () => ({ type: 'object' }),
  [MIN]: ([minimum]) => ({ minimum }),
  [MAX]: ([maximum]) => ({ maximum }),
  [IS_POSITIVE]: () => ({ exclusiveMinimum: 0 }),
  [MIN_LENGTH]: ([minLength]) => ({ minLength }),
  [MAX_LENGTH]: ([maxLength]) => ({ maxLength }),
  [IS_NOT_EMPTY]: () => ({ minLength: 1 }),
  [ARRAY_MIN_SIZE]: ([minItems]) => ({ minItems }),
  [ARRAY_MAX_SIZE]: ([maxItems]) => ({ maxItems }),
  [ARRAY_UNIQUE]: () => ({ uniqueItems: true }),
  [IS_IN]: ([values]) => ({ enum: values }),
  [IS_ENUM]: ([values]) => ({ enum: enumValues(values) }),
  [IS_IP]: ([version]) => ipFormat(version),
  [IS_URL]: () => ({ type: 'string', format: 'uri' }),
  [MATCHES]: ([pattern, modifiers]) => patternOf(pattern, modifiers),
};

/** The schema of `jarvis.yaml`, as the file the script writes (stable order, two-space indent, final newline). */
export function configSchemaJson(): string {
  const schema = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'jarvis.yaml',
    description: 'Jarvis configuration. Every key is optional: one left out takes its default. Generated from libs/config (npm run config:schema); do not edit.',
    ...sectionSchema(JarvisConfig, []),
  };
  return `${JSON.stringify(schema, null, 2)}\n`;
}

/** Any class reachable through `@ValidateNested` + `@Type` is included, however deep, so new sections need no wiring. */
export function sectionSchema(cls: ConfigClass, outer: readonly ConfigClass[]): JsonSchema {
  if (outer.includes(cls)) throw new Error(`${cls.name}: a section cannot contain itself (${[...outer, cls].map((c) => c.name).join(' > ')})`);
  const defaults = defaultsOf(cls);
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const [property, metadata] of validatedProperties(cls)) {
    properties[property] = propertySchema(cls, property, metadata, defaults[property], [...outer, cls]);
    if (defaults[property] === undefined && !metadata.some((m) => m.type === 'conditionalValidation')) required.push(property);
  }
  return { type: 'object', additionalProperties: false, properties, ...(required.length > 0 ? { required } : {}) };
}

function propertySchema(cls: ConfigClass, property: string, metadata: ValidationMetadata[], defaultValue: unknown, outer: readonly ConfigClass[]): JsonSchema {
  const description = descriptionOf(cls, property);
  const section = nestedSectionOf(cls, property);
  const described = description === undefined ? {} : { description };
  if (section && !section.list) return { ...described, ...sectionSchema(section.cls, outer) };
  const own = keywordsOf(metadata.filter((m) => !m.each && m.type !== 'nestedValidation'));
  const items = section ? sectionSchema(section.cls, outer) : keywordsOf(metadata.filter((m) => m.each));
  const withItems = Object.keys(items).length > 0 ? { type: 'array', ...own, items } : own;
  return inReadingOrder({ ...described, ...withItems, ...(defaultValue === undefined ? {} : { default: JSON.parse(JSON.stringify(defaultValue)) as unknown }) });
}

/** Decorators run bottom-up, so keywords would come out in reverse; people read the type first and the default last. */
const READING_ORDER = ['description', 'type', 'enum', 'format', 'anyOf', 'pattern', 'minimum', 'exclusiveMinimum', 'maximum', 'minLength', 'maxLength', 'minItems', 'maxItems', 'uniqueItems', 'items', 'default'];

function inReadingOrder(schema: JsonSchema): JsonSchema {
  const rank = (keyword: string) => (READING_ORDER.includes(keyword) ? READING_ORDER.indexOf(keyword) : READING_ORDER.length);
  return Object.fromEntries(Object.entries(schema).sort(([a], [b]) => rank(a) - rank(b)));
}

function keywordsOf(metadata: ValidationMetadata[]): JsonSchema {
  return inReadingOrder(Object.assign({}, ...metadata.map((m) => KEYWORDS[constraintName(m)]?.(m.constraints ?? []) ?? {})) as JsonSchema);
}

/** TypeScript's numeric enums map values back to names; only the values are accepted. */
function enumValues(values: unknown): unknown[] {
  const all = Object.values(values as object) as unknown[];
  return all.some((v) => typeof v === 'number') ? all.filter((v) => typeof v === 'number') : all;
}

function ipFormat(version: unknown): JsonSchema {
  const v = String(version ?? '');
  if (v === '4' || v === '6') return { type: 'string', format: `ipv${v}` };
  return { type: 'string', anyOf: [{ format: 'ipv4' }, { format: 'ipv6' }] };
}

/** JSON Schema patterns have no flags: a pattern that needs one is left to the loader. */
function patternOf(pattern: unknown, modifiers: unknown): JsonSchema {
  const regex = pattern instanceof RegExp ? pattern : new RegExp(String(pattern), typeof modifiers === 'string' ? modifiers : undefined);
  return { type: 'string', ...(regex.flags.replace(/[gy]/g, '') === '' ? { pattern: regex.source } : {}) };
}
