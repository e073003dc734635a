import { EVENT_CATALOG, EVENT_TYPES, isEventType, type EventData, type EventType } from './catalog.js';
import { EnvelopeFields, type JarvisEvent, type JarvisEventOf } from './envelope.js';
import { SERVICE_NAMES, type ServiceName } from './services.js';
import { upcast } from './upcasters.js';
import { adoptedInPlace, definitelyValid, validateCompiled } from './compiled-validation.js';
import { validatePlain, type Validated } from './validation.js';

export type NewEvent<T extends EventType> = {
  id: string;
  type: T;
  source: ServiceName;
  time: string;
  subject: string;
  correlationId: string;
  causationId: string | null;
  data: EventData<T>;
};

/** Builds an immutable event at the catalog's current schema version. */
export function createEvent<T extends EventType>(spec: NewEvent<T>): JarvisEventOf<T> {
  return frozenEvent(spec, spec.data, EVENT_CATALOG[spec.type].version) as JarvisEventOf<T>;
}

/** Every event, created or decoded, has its fields in this one order: one shape for the engine, one for the eye. */
function frozenEvent(fields: Omit<EnvelopeFields, 'version'>, data: object, version: number): JarvisEvent {
  return eventOf(fields, Object.freeze({ ...data }), version);
}

function eventOf(fields: Omit<EnvelopeFields, 'version'>, frozenData: object, version: number): JarvisEvent {
  const { id, time, subject, correlationId, causationId } = fields;
  const type = shared(fields.type);
  const source = shared(fields.source);
  return Object.freeze({ id, type, source, time, subject, correlationId, causationId, version, data: frozenData }) as unknown as JarvisEvent;
}

/**
 * The catalog's own strings for an event's type and source: a decoded event otherwise holds copies of its own, and
 * the incident timelines keep one per event for a week.
 */
const SHARED_NAMES = new Map<string, string>([...EVENT_TYPES, ...SERVICE_NAMES].map((name) => [name, name]));

function shared<T extends string>(name: T): T {
  return (SHARED_NAMES.get(name) as T | undefined) ?? name;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeEvent(event: JarvisEvent): Uint8Array {
  return encoder.encode(JSON.stringify(event));
}

/** Parses and validates a raw message, reading older schema versions as the current one. Errors name the field and the reason; nothing throws. */
export function decodeEvent(raw: Uint8Array | string): Validated<JarvisEvent> {
  let plain: unknown;
  let prototypeKey = false;
  const text = typeof raw === 'string' ? raw : decoder.decode(raw);
  try {
    plain = mayHoldPrototypeKey(text)
      ? JSON.parse(text, (key, value: unknown) => {
          if (key === '__proto__') prototypeKey = true;
          return value;
        })
      : JSON.parse(text);
  } catch (error) {
    return { ok: false, errors: [`(root): not valid JSON (${(error as Error).message})`] };
  }
  // Copying such a key later would set a prototype instead of a field: refuse the message rather than clean it.
  if (prototypeKey) return { ok: false, errors: ['(root): a "__proto__" key is not allowed anywhere in an event'] };
  const adopted = adoptedEvent(plain);
  return adopted === undefined ? validateEvent(plain) : { ok: true, value: adopted };
}

/**
 * The parsed value made the event itself, when the fast path is sure of all of it at the current schema version: the
 * same event `validateEvent` builds, without copying the payload twice. A replay decodes a million of them.
 */
function adoptedEvent(plain: unknown): JarvisEvent | undefined {
  if (!adoptedInPlace(EnvelopeFields, plain, 'data')) return undefined;
  const fields = plain as EnvelopeFields & { data: unknown };
  if (!isEventType(fields.type) || fields.version !== EVENT_CATALOG[fields.type].version) return undefined;
  if (!adoptedInPlace(EVENT_CATALOG[fields.type].payload as new () => object, fields.data)) return undefined;
  return eventOf(fields, Object.freeze(fields.data as object), fields.version);
}

/**
 * A key reads `__proto__` only if the text spells it out or escapes a character of it (`\u005f`): without either,
 * the plain parse, several times faster than one calling a reviver on every value, gives the same result.
 */
function mayHoldPrototypeKey(text: string): boolean {
  return text.includes('__proto__') || text.includes('\\u');
}

export function validateEvent(plain: unknown): Validated<JarvisEvent> {
  if (typeof plain !== 'object' || plain === null || Array.isArray(plain)) {
    return { ok: false, errors: ['(root): must be an object'] };
  }
  const data = (plain as Record<string, unknown>)['data'];
  const envelope = envelopeOf(plain as Record<string, unknown>);
  if (!envelope.ok) return envelope;
  const type = envelope.value.type;
  if (!isEventType(type)) return { ok: false, errors: [`type: unknown event type`] };
  const current = EVENT_CATALOG[type].version;
  const stored = envelope.value.version;
  if (stored > current) return { ok: false, errors: [`version: ${type} is at schema version ${current} in this build, got ${stored}`] };
  const payload = validateCompiled(EVENT_CATALOG[type].payload as new () => object, upcast(type, stored, current, data), 'data');
  if (!payload.ok) return { ok: false, errors: stored < current ? payload.errors.map((e) => `${e} (read from version ${stored})`) : payload.errors };
  return { ok: true, value: frozenEvent(envelope.value, payload.value, current) };
}

/** The envelope's own fields, everything but `data`: the fast path reads them in place instead of copying them out. */
function envelopeOf(plain: Record<string, unknown>): Validated<EnvelopeFields> {
  const value = definitelyValid(EnvelopeFields, plain, 'data');
  if (value !== undefined) return { ok: true, value };
  const { data: _payload, ...fields } = plain;
  return validatePlain(EnvelopeFields, fields);
}

/** A message written by a newer build: its type is known here but its schema version is ahead of this build's. */
export type NewerSchema = { type: EventType; version: number; known: number };

/**
 * Tells a message this build is too old to read apart from an invalid one: a rolling upgrade must leave it for the
 * newer build instead of dropping it.
 */
export function newerSchemaOf(raw: Uint8Array | string): NewerSchema | undefined {
  let plain: unknown;
  try {
    plain = JSON.parse(typeof raw === 'string' ? raw : new TextDecoder().decode(raw));
  } catch {
    return undefined;
  }
  if (typeof plain !== 'object' || plain === null) return undefined;
  const { type, version } = plain as Record<string, unknown>;
  if (typeof type !== 'string' || !isEventType(type) || typeof version !== 'number' || !Number.isInteger(version)) return undefined;
  const known = EVENT_CATALOG[type].version;
  return version > known ? { type, version, known } : undefined;
}
