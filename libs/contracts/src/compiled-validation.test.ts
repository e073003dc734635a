import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inspect } from 'node:util';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsIn, IsInt, IsOptional, IsString, IsUUID, MaxLength, Min, registerDecorator } from 'class-validator';
import { EVENT_CATALOG, EVENT_TYPES, isEventType, type EventType } from './catalog.js';
import { createEvent, decodeEvent, validateEvent, type NewEvent } from './codec.js';
import { planOf } from './compiled-plan.js';
import { adoptedInPlace, definitelyValid, validateCompiled } from './compiled-validation.js';
import { EnvelopeFields, type JarvisEvent } from './envelope.js';
import { ENVELOPE_SAMPLE, PAYLOAD_SAMPLES } from './event-samples.test-support.js';
import { EDGE_VALUES, EXTRA_KEYS, holdersOf, mutate, seededRandom, setOwn, slotsOf } from './value-mutations.test-support.js';
import { TargetRef } from './target.js';
import { upcast } from './upcasters.js';
import { validatePlain, type Validated } from './validation.js';

type Constructor = new () => object;
type Tally = { cases: number; slowAccepted: number; fastAccepted: number; adopted: number; slowThrew: number };

const MUTATIONS_PER_TYPE = 400;
const REMOVED = Symbol('removed');
const ENVELOPE_MUTATIONS = 3000;

function jsonCopy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/**
 * Fast acceptance must imply class-validator's, with a value equal in every respect, key order included; so must
 * adoption in place (last, as it changes the value), which leaves a value it refuses untouched.
 */
function compare(cls: Constructor, value: unknown, tally: Tally, label: string): void {
  const fast = definitelyValid(cls, value);
  let slow: ReturnType<typeof validatePlain> | undefined;
  try {
    slow = validatePlain(cls, value);
  } catch {
    tally.slowThrew += 1;
  }
  tally.cases += 1;
  if (slow?.ok) tally.slowAccepted += 1;
  compareAdoption(cls, value, slow, tally, label);
  if (fast === undefined) return;
  tally.fastAccepted += 1;
  assert.ok(slow?.ok, `${label}: the fast path accepted what class-validator refuses: ${describeValue(value)}`);
  assert.deepStrictEqual(fast, slow.value, `${label}: different value for ${describeValue(value)}`);
  assert.equal(JSON.stringify(fast), JSON.stringify(slow.value), `${label}: different encoding`);
}

function compareAdoption(cls: Constructor, value: unknown, slow: Validated<object> | undefined, tally: Tally, label: string): void {
  const before = inspect(value, { depth: Infinity, showHidden: true });
  if (!adoptedInPlace(cls, value)) {
    assert.equal(inspect(value, { depth: Infinity, showHidden: true }), before, `${label}: a value refused in place was changed`);
    return;
  }
  tally.adopted += 1;
  assert.ok(slow?.ok, `${label}: adoption accepted what class-validator refuses: ${before}`);
  assert.equal(Object.getPrototypeOf(value), Object.prototype);
  assert.deepStrictEqual({ ...(value as object) }, { ...slow.value }, `${label}: adopted ${before} differs from the instance`);
  assert.equal(JSON.stringify(value), JSON.stringify(slow.value), `${label}: different encoding`);
}

function describeValue(value: unknown): string {
  return inspect(value, { depth: 4, breakLength: Infinity }).slice(0, 400);
}

function newTally(): Tally {
  return { cases: 0, slowAccepted: 0, fastAccepted: 0, adopted: 0, slowThrew: 0 };
}

describe('definitelyValid: the compiled fast path against class-validator', () => {
  it('accepts every valid sample, building exactly what validatePlain builds', () => {
    for (const type of EVENT_TYPES) {
      const cls = EVENT_CATALOG[type].payload as Constructor;
      const sample = jsonCopy(PAYLOAD_SAMPLES[type]);
      const slow = validatePlain(cls, sample);
      assert.ok(slow.ok, `${type} sample is invalid: ${slow.ok ? '' : slow.errors.join('; ')}`);
      const fast = definitelyValid(cls, sample);
      assert.ok(fast !== undefined, `${type}: the fast path does not accept its valid sample`);
      assert.deepStrictEqual(fast, slow.value);
      assert.ok(fast instanceof cls && (fast as { target: unknown }).target instanceof TargetRef);
      const owned = jsonCopy(sample);
      assert.ok(adoptedInPlace(cls, owned), `${type}: its valid sample is not adopted in place`);
      assert.deepStrictEqual({ ...owned }, { ...slow.value });
      assert.ok((owned as { target: unknown }).target instanceof TargetRef, 'the nested value is replaced by the instance class-transformer builds');
    }
    const envelope = validatePlain(EnvelopeFields, jsonCopy(ENVELOPE_SAMPLE));
    assert.ok(envelope.ok);
    assert.deepStrictEqual(definitelyValid(EnvelopeFields, jsonCopy(ENVELOPE_SAMPLE)), envelope.value);
    const owned = { ...jsonCopy(ENVELOPE_SAMPLE), data: { anything: [1] } };
    assert.ok(adoptedInPlace(EnvelopeFields, owned, 'data'));
    assert.ok(!adoptedInPlace(EnvelopeFields, owned), 'data is an unknown key unless ignored');
  });

  it('accepts class instances as publishers pass them (a TargetRef inside the data)', () => {
    const cls = EVENT_CATALOG.DetectionRecorded.payload;
    const withInstance = { ...PAYLOAD_SAMPLES.DetectionRecorded, target: Object.assign(new TargetRef(), { kind: 'container', id: 'web' }) };
    const fast = definitelyValid(cls, withInstance);
    assert.ok(fast);
    assert.notEqual(fast.target, withInstance.target, 'the nested instance is rebuilt, as class-transformer does');
    const slow = validatePlain(cls, withInstance);
    assert.ok(slow.ok);
    assert.deepStrictEqual(fast, slow.value);
  });

  for (const type of EVENT_TYPES) {
    it(`never accepts a mutated ${type} that class-validator refuses, nor builds a different value`, (t) => {
      const cls = EVENT_CATALOG[type].payload as Constructor;
      const random = seededRandom(`payload:${type}`);
      const tally = newTally();
      for (let i = 0; i < MUTATIONS_PER_TYPE; i++) compare(cls, mutate(PAYLOAD_SAMPLES[type], random), tally, `${type} #${i}`);
      t.diagnostic(JSON.stringify(tally));
      // The mutations must hit both sides, or the comparison proves nothing.
      assert.ok(tally.slowAccepted > 0 && tally.slowAccepted < tally.cases / 2, `${type}: ${JSON.stringify(tally)}`);
      assert.ok(tally.fastAccepted > 0 && tally.adopted > 0, `${type}: the fast path accepted no valid mutation: ${JSON.stringify(tally)}`);
    });
  }

  it('agrees on every single field, nested ones included, replaced by each edge value or removed', (t) => {
    const tally = newTally();
    const roots: Array<[string, Constructor, Record<string, unknown>]> = [
      ...EVENT_TYPES.map((type): [string, Constructor, Record<string, unknown>] => [type, EVENT_CATALOG[type].payload as Constructor, PAYLOAD_SAMPLES[type]]),
      ['envelope', EnvelopeFields, ENVELOPE_SAMPLE],
    ];
    for (const [label, cls, sample] of roots) {
      const slotCount = slotsOf(jsonCopy(sample)).length;
      for (let slot = 0; slot < slotCount; slot++) {
        for (const edge of [...EDGE_VALUES, REMOVED]) {
          const copy = jsonCopy(sample);
          const { holder, key } = slotsOf(copy)[slot]!;
          if (edge === REMOVED) delete (holder as Record<string, unknown>)[key];
          else setOwn(holder, key, edge);
          compare(cls, copy, tally, `${label} ${key}=${describeValue(edge)}`);
        }
      }
    }
    t.diagnostic(JSON.stringify(tally));
    assert.ok(tally.slowAccepted > 0 && tally.fastAccepted > 0 && tally.adopted > 0, JSON.stringify(tally));
  });

  it('agrees on every extra key, prototype-looking ones included, added to each object of each sample', (t) => {
    const tally = newTally();
    for (const type of EVENT_TYPES) {
      const cls = EVENT_CATALOG[type].payload as Constructor;
      const holderCount = holdersOf(jsonCopy(PAYLOAD_SAMPLES[type])).length;
      for (let holder = 0; holder < holderCount; holder++) {
        for (const key of EXTRA_KEYS) {
          for (const value of ['x', 1, {}, undefined]) {
            const copy = jsonCopy(PAYLOAD_SAMPLES[type]);
            setOwn(holdersOf(copy)[holder]!, key, value);
            compare(cls, copy, tally, `${type} +${key}=${describeValue(value)}`);
          }
        }
      }
    }
    t.diagnostic(JSON.stringify(tally));
    // Keys added inside params and details are valid: some extra keys must be accepted, or nothing was compared.
    assert.ok(tally.slowAccepted > 0 && tally.fastAccepted > 0 && tally.adopted > 0, JSON.stringify(tally));
  });

  it('never accepts a mutated envelope that class-validator refuses, nor builds a different value', (t) => {
    const random = seededRandom('envelope');
    const tally = newTally();
    const withCause = { ...ENVELOPE_SAMPLE, causationId: ENVELOPE_SAMPLE['correlationId'] };
    for (let i = 0; i < ENVELOPE_MUTATIONS; i++) compare(EnvelopeFields, mutate(i % 2 ? ENVELOPE_SAMPLE : withCause, random), tally, `envelope #${i}`);
    t.diagnostic(JSON.stringify(tally));
    assert.ok(tally.slowAccepted > 0 && tally.slowAccepted < tally.cases / 2, JSON.stringify(tally));
    assert.ok(tally.fastAccepted > 0 && tally.adopted > 0, JSON.stringify(tally));
  });
});

describe('decodeEvent through the fast path', () => {
  function reference(raw: Record<string, unknown>, type: EventType): unknown {
    const { data, ...fields } = raw;
    const envelope = validatePlain(EnvelopeFields, fields);
    const payload = validatePlain(EVENT_CATALOG[type].payload as Constructor, data, 'data');
    assert.ok(envelope.ok && payload.ok);
    return createEvent({ ...envelope.value, data: payload.value } as NewEvent<EventType>);
  }

  it('decodes every type to the event class-validator alone builds', () => {
    for (const type of EVENT_TYPES) {
      const raw = { ...ENVELOPE_SAMPLE, type, version: EVENT_CATALOG[type].version, data: PAYLOAD_SAMPLES[type] };
      const decoded = decodeEvent(JSON.stringify(raw));
      assert.ok(decoded.ok, `${type}: ${decoded.ok ? '' : decoded.errors.join('; ')}`);
      assert.deepStrictEqual(decoded.value, reference(jsonCopy(raw), type));
      assert.equal(JSON.stringify(decoded.value), JSON.stringify(reference(jsonCopy(raw), type)));
      assert.ok(Object.isFrozen(decoded.value) && Object.isFrozen(decoded.value.data));
    }
  });

  it('still refuses a __proto__ key, spelled out or escaped, skipping the reviver only when no key can read __proto__', () => {
    const refusal = { ok: false, errors: ['(root): a "__proto__" key is not allowed anywhere in an event'] };
    const raw = JSON.stringify({ ...ENVELOPE_SAMPLE, type: 'ActionStarted', data: { ...PAYLOAD_SAMPLES.ActionStarted, params: { keep: 1 } } });
    assert.ok(decodeEvent(raw).ok);
    for (const key of ['__proto__', '\\u005f_proto__', '__pr\\u006fto__']) {
      assert.deepEqual(decodeEvent(raw.replace('"keep":1', `"${key}":{"polluted":true}`)), refusal, key);
    }
    const escapedValue = raw.replace('"keep":1', '"keep":"caf\\u00e9"');
    const decoded = decodeEvent(escapedValue);
    assert.ok(decoded.ok);
    assert.deepEqual(decoded.value.data, { ...decoded.value.data, params: { keep: 'café' } });
  });

  it('reads a version-1 event through its upcaster as before', () => {
    const v1 = { ...ENVELOPE_SAMPLE, type: 'ActionSucceeded', version: 1, data: { target: { kind: 'container', name: 'web' }, decisionId: ENVELOPE_SAMPLE['id'], action: 'restart_container', result: 'restarted', durationMs: 3 } };
    const decoded = decodeEvent(JSON.stringify(v1));
    assert.ok(decoded.ok);
    assert.deepStrictEqual({ ...decoded.value.data }, { target: Object.assign(new TargetRef(), { kind: 'container', id: 'web' }), decisionId: ENVELOPE_SAMPLE['id'], action: 'restart_container', result: 'restarted', durationMs: 3, details: {} });
  });
});

function IsEven(): PropertyDecorator {
  return (object, propertyName) =>
    registerDecorator({ name: 'isEven', target: object.constructor, propertyName: propertyName as string, validator: { validate: (value: unknown) => typeof value === 'number' && value % 2 === 0 } });
}

class WithUnknownConstraint {
  @IsString()
  name!: string;

  @IsEven()
  count!: number;
}

class WithGroups {
  @IsString({ groups: ['admin'] })
  name!: string;
}

class WithTransform {
  @IsString()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  name!: string;
}

class WithInitialiser {
  @IsString()
  name: string = 'unnamed';
}

describe('classes the compiler does not know', () => {
  const cases: Array<[string, new () => object, Record<string, unknown>, Record<string, unknown>]> = [
    ['a custom constraint', WithUnknownConstraint, { name: 'a', count: 2 }, { name: 'a', count: 3 }],
    ['validation groups', WithGroups, { name: 'a' }, { name: 1 }],
    ['@Transform', WithTransform, { name: ' padded ' }, { name: 1 }],
    ['a field initialiser', WithInitialiser, {}, { name: 1 }],
  ];
  for (const [what, cls, valid, invalid] of cases) {
    it(`compiles nothing for ${what} and leaves every value to class-validator`, () => {
      assert.equal(planOf(cls), undefined);
      assert.equal(definitelyValid(cls, valid), undefined);
      assert.deepStrictEqual(validateCompiled(cls, valid), validatePlain(cls, valid));
      assert.ok(validateCompiled(cls, valid).ok);
      assert.deepStrictEqual(validateCompiled(cls, invalid, 'data'), validatePlain(cls, invalid, 'data'));
      assert.equal(validateCompiled(cls, invalid).ok, false);
    });
  }

  it('so a transformation still applies', () => {
    const result = validateCompiled(WithTransform, { name: ' padded ' });
    assert.ok(result.ok);
    assert.equal(result.value.name, 'padded');
  });
});

/** validateEvent as it was before the fast path: class-validator alone, the envelope's fields copied out. */
function classValidatorOnly(plain: unknown): Validated<JarvisEvent> {
  if (typeof plain !== 'object' || plain === null || Array.isArray(plain)) return { ok: false, errors: ['(root): must be an object'] };
  const { data, ...fields } = plain as Record<string, unknown>;
  const envelope = validatePlain(EnvelopeFields, fields);
  if (!envelope.ok) return envelope;
  const type = envelope.value.type;
  if (!isEventType(type)) return { ok: false, errors: [`type: unknown event type`] };
  const current = EVENT_CATALOG[type].version;
  const stored = envelope.value.version;
  if (stored > current) return { ok: false, errors: [`version: ${type} is at schema version ${current} in this build, got ${stored}`] };
  const payload = validatePlain(EVENT_CATALOG[type].payload as Constructor, upcast(type, stored, current, data), 'data');
  if (!payload.ok) return { ok: false, errors: stored < current ? payload.errors.map((e) => `${e} (read from version ${stored})`) : payload.errors };
  return { ok: true, value: createEvent({ ...envelope.value, data: payload.value } as NewEvent<EventType>) as JarvisEvent };
}

function outcome(validate: (plain: unknown) => Validated<JarvisEvent>, plain: unknown): Validated<JarvisEvent> | 'threw' {
  try {
    return validate(plain);
  } catch {
    return 'threw';
  }
}

describe('validateEvent against class-validator alone', () => {
  it('gives the same answer, value or errors, for mutated whole events of every type and schema version', (t) => {
    const random = seededRandom('whole events');
    let accepted = 0;
    let cases = 0;
    for (const type of EVENT_TYPES) {
      const current = { ...ENVELOPE_SAMPLE, type, version: EVENT_CATALOG[type].version, data: PAYLOAD_SAMPLES[type] };
      const older = { ...current, version: 1, data: { ...PAYLOAD_SAMPLES[type], target: { kind: 'container', name: 'web' } } };
      for (let i = 0; i < 200; i++) {
        const raw = mutate(i % 4 === 3 ? older : current, random);
        const fast = outcome(validateEvent, raw);
        const slow = outcome(classValidatorOnly, raw);
        assert.deepStrictEqual(fast, slow, `${type} #${i}: ${describeValue(raw)}`);
        if (fast !== 'threw' && fast.ok) assert.equal(JSON.stringify(fast.value), JSON.stringify((slow as { value: unknown }).value));
        cases += 1;
        if (fast !== 'threw' && fast.ok) accepted += 1;
      }
    }
    t.diagnostic(JSON.stringify({ cases, accepted }));
    assert.ok(accepted > cases / 10 && accepted < cases / 2, JSON.stringify({ cases, accepted }));
  });

  it('decodes, adopting the parsed value where it can, exactly as class-validator alone reads the same text', (t) => {
    const random = seededRandom('decoded events');
    let accepted = 0;
    let cases = 0;
    for (const type of EVENT_TYPES) {
      const current = { ...ENVELOPE_SAMPLE, type, version: EVENT_CATALOG[type].version, data: PAYLOAD_SAMPLES[type] };
      for (let i = 0; i < 200; i++) {
        const text = jsonOrUndefined(mutate(current, random));
        // A "__proto__" key is refused before anything else, as its own test shows.
        if (text === undefined || text.includes('__proto__')) continue;
        const decoded = outcome((plain) => decodeEvent(plain as string), text);
        assert.deepStrictEqual(decoded, outcome(classValidatorOnly, JSON.parse(text)), `${type} #${i}: ${text}`);
        cases += 1;
        if (decoded !== 'threw' && decoded.ok) {
          accepted += 1;
          assert.ok(Object.isFrozen(decoded.value) && Object.isFrozen(decoded.value.data));
        }
      }
    }
    t.diagnostic(JSON.stringify({ cases, accepted }));
    assert.ok(accepted > cases / 10 && accepted < cases / 2, JSON.stringify({ cases, accepted }));
  });
});

/** A mutated value as text, when JSON can hold it (a BigInt it cannot). */
function jsonOrUndefined(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}

/** Names that would break, or escape from, code written by pasting them in unquoted. */
const ODD_NAME = 'a"b\'c`${d}\\e\nf}); throw new Error("escaped"); ({';

class WithOddNamesAndBounds {
  @IsString()
  @MaxLength(3)
  [ODD_NAME]!: string;

  @IsIn(['x', NaN])
  listed!: unknown;

  @IsInt({ each: true })
  @Min(-0, { each: true })
  @ArrayMaxSize(2)
  counts!: number[];

  @IsOptional()
  @IsUUID()
  id?: string;
}

class WithMethod {
  @IsString()
  name!: string;

  shout(): string {
    return this.name.toUpperCase();
  }
}

describe('the code written for a class', () => {
  it('checks a class with members on its prototype only on the instance it builds, never in place', () => {
    assert.ok(definitelyValid(WithMethod, { name: 'a' }) instanceof WithMethod);
    const owned = { name: 'a' };
    assert.equal(adoptedInPlace(WithMethod, owned), false);
    assert.deepStrictEqual(owned, { name: 'a' });
  });

  const valid = { [ODD_NAME]: 'abc', listed: 'x', counts: [0, 7], id: '0b6f1a52-3c1e-4c7a-9f0e-1d2c3b4a5e6f' };

  it('quotes every name: an odd one is read, copied and checked like any other', () => {
    const fast = definitelyValid(WithOddNamesAndBounds, valid);
    assert.ok(fast);
    assert.ok(adoptedInPlace(WithOddNamesAndBounds, { ...valid }));
    assert.deepStrictEqual(fast, (validatePlain(WithOddNamesAndBounds, valid) as { value: unknown }).value);
    assert.equal(definitelyValid(WithOddNamesAndBounds, { ...valid, [ODD_NAME]: 'abcd' }), undefined);
  });

  it('agrees with class-validator on bounds, lists holding NaN, each-rules, optional fields and shortcuts', () => {
    const cases: Array<Record<string, unknown>> = [
      { ...valid, listed: NaN },
      { ...valid, listed: 'y' },
      { ...valid, counts: [-0, 1] },
      { ...valid, counts: [-1] },
      { ...valid, counts: [1, 2, 3] },
      { ...valid, counts: 4 },
      { ...valid, counts: [1.5] },
      { ...valid, id: undefined },
      { ...valid, id: null },
      { ...valid, id: '0B6F1A52-3C1E-4C7A-9F0E-1D2C3B4A5E6F' },
      { ...valid, id: '0b6f1a52-3c1e-4c7a-cf0e-1d2c3b4a5e6f' },
      // Three characters to validator's count (two surrogate pairs), six to `length`: left to class-validator.
      { ...valid, [ODD_NAME]: '😀😀a' },
    ];
    for (const plain of cases) {
      const fast = definitelyValid(WithOddNamesAndBounds, plain);
      const slow = validatePlain(WithOddNamesAndBounds, plain);
      if (fast !== undefined) assert.deepStrictEqual({ ok: true, value: fast }, slow, inspect(plain));
      assert.deepStrictEqual(validateCompiled(WithOddNamesAndBounds, plain), slow, inspect(plain));
    }
    assert.equal(definitelyValid(WithOddNamesAndBounds, { ...valid, [ODD_NAME]: '😀😀a' }), undefined);
    assert.ok(validateCompiled(WithOddNamesAndBounds, { ...valid, [ODD_NAME]: '😀😀a' }).ok);
  });
});
