import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { isISO8601, isUUID } from 'class-validator';
import { instantMs, isCanonicalInstant, isCanonicalUuid } from './canonical-forms.js';
import { seededRandom } from './value-mutations.test-support.js';

const STRICT = { strict: true, strictSeparator: true };
const LATEST = Date.UTC(9999, 11, 31);
const EARLIEST = new Date('0100-01-01T00:00:00.000Z').getTime();

/** The plain definition: what `Date` reads back and writes out unchanged, from year 100 on. */
function roundTrips(text: string): boolean {
  const ms = Date.parse(text);
  return !text.startsWith('00') && Number.isFinite(ms) && new Date(ms).toISOString() === text;
}

describe('isCanonicalInstant: the shortcut in front of @IsISO8601', () => {
  it('recognises what Date#toISOString writes, which @IsISO8601 also accepts', () => {
    const random = seededRandom('canonical-instants');
    const edges = [0, Date.UTC(2024, 1, 29, 23, 59, 59, 999), Date.UTC(2000, 1, 29), Date.UTC(9999, 11, 31, 23, 59, 59, 999)];
    const instants = [...edges, ...Array.from({ length: 5000 }, () => EARLIEST + random.below(LATEST - EARLIEST))];
    for (const ms of instants) {
      const text = new Date(ms).toISOString();
      assert.equal(isCanonicalInstant(text), true, text);
      assert.equal(isISO8601(text, STRICT), true, text);
    }
  });

  it('leaves everything else to the general rule', () => {
    const others = [
      '2024-02-30T00:00:00.000Z',
      '2023-02-29T00:00:00.000Z',
      '2024-13-01T00:00:00.000Z',
      '2024-01-01T24:00:00.000Z',
      '2024-01-01T00:00:60.000Z',
      '2024-01-01T00:00:00Z',
      '2024-01-01T00:00:00.000z',
      '2024-01-01 00:00:00.000Z',
      '+012024-01-01T00:00:00.000Z',
      '2024-01-01T00:00:00.000+00:00',
      ' 2024-01-01T00:00:00.000Z',
      '2024-01-01T00:00:00.000Z\n',
      '２０２４-01-01T00:00:00.000Z',
      '0000-01-01T00:00:00.000Z',
      '0099-12-31T23:59:59.999Z',
      '',
    ];
    for (const text of others) assert.equal(isCanonicalInstant(text), false, text);
    for (const text of ['2024-02-29T12:00:00.000Z', '2000-02-29T00:00:00.000Z', '0100-01-01T00:00:00.000Z']) assert.equal(isCanonicalInstant(text), true, text);
    for (const text of ['2100-02-29T00:00:00.000Z', '1900-02-29T00:00:00.000Z', '2024-04-31T00:00:00.000Z', '2024-00-10T00:00:00.000Z', '2024-01-00T00:00:00.000Z']) {
      assert.equal(isCanonicalInstant(text), false, text);
    }
    for (const value of [null, undefined, 1_700_000_000_000, new Date(0), ['2024-01-01T00:00:00.000Z']]) assert.equal(isCanonicalInstant(value), false);
  });

  it('never says yes where @IsISO8601 says no, for any one character changed in an instant', () => {
    const random = seededRandom('instant-mutations');
    const alphabet = '0123456789-:.TZz+ x';
    for (let i = 0; i < 20_000; i += 1) {
      const text = new Date(random.below(LATEST)).toISOString();
      const at = random.below(text.length);
      const mutated = text.slice(0, at) + random.pick([...alphabet]) + text.slice(at + 1);
      if (isCanonicalInstant(mutated)) assert.equal(isISO8601(mutated, STRICT), true, mutated);
      assert.equal(isCanonicalInstant(mutated), roundTrips(mutated), mutated);
    }
  });
});

describe('isCanonicalUuid: the shortcut in front of @IsUUID()', () => {
  it('recognises what randomUUID writes, which @IsUUID() also accepts', () => {
    for (let i = 0; i < 1000; i += 1) {
      const id = randomUUID();
      assert.equal(isCanonicalUuid(id), true, id);
      assert.equal(isUUID(id), true, id);
    }
  });

  it('leaves everything else to the general rule: upper case, nil, max, version 0 or 9, a wrong variant, other shapes and types', () => {
    for (const value of [
      '0B6F1A52-3C1E-4C7A-9F0E-1D2C3B4A5E6F',
      '00000000-0000-0000-0000-000000000000',
      'ffffffff-ffff-ffff-ffff-ffffffffffff',
      '0b6f1a52-3c1e-0c7a-9f0e-1d2c3b4a5e6f',
      '0b6f1a52-3c1e-9c7a-9f0e-1d2c3b4a5e6f',
      '0b6f1a52-3c1e-4c7a-cf0e-1d2c3b4a5e6f',
      '0b6f1a523c1e4c7a9f0e1d2c3b4a5e6f',
      '0b6f1a52-3c1e-4c7a-9f0e-1d2c3b4a5e6f\n',
      ' 0b6f1a52-3c1e-4c7a-9f0e-1d2c3b4a5e6f',
      null,
      undefined,
      42,
      ['0b6f1a52-3c1e-4c7a-9f0e-1d2c3b4a5e6f'],
    ]) {
      assert.equal(isCanonicalUuid(value), false, String(value));
    }
  });

  it('never says yes where @IsUUID() says no, for any one character changed in a UUID', () => {
    const random = seededRandom('uuid-mutations');
    const alphabet = '0123456789abcdefABCDEFgz-{} \n';
    for (let i = 0; i < 20_000; i += 1) {
      const id = randomUUID();
      const at = random.below(id.length);
      const mutated = id.slice(0, at) + random.pick([...alphabet]) + id.slice(at + 1);
      if (isCanonicalUuid(mutated)) assert.equal(isUUID(mutated), true, mutated);
    }
  });

  it('says exactly what its pattern says, for one or two characters changed anywhere in a UUID', () => {
    const pattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    const random = seededRandom('uuid-pattern');
    const alphabet = [...'0123456789abcdefgABCDEF-/:`@G{ \u00e9'];
    let recognised = 0;
    for (let i = 0; i < 20_000; i += 1) {
      let id = randomUUID();
      for (let change = 0; change <= i % 2; change += 1) {
        const at = random.below(id.length);
        id = id.slice(0, at) + random.pick(alphabet) + id.slice(at + 1);
      }
      assert.equal(isCanonicalUuid(id), pattern.test(id), id);
      if (pattern.test(id)) recognised += 1;
    }
    // Both answers must come up often, or the comparison proves little.
    assert.ok(recognised > 2_000 && recognised < 18_000, String(recognised));
  });
});

describe('instantMs: Date.parse, by arithmetic for the canonical form', () => {
  it('reads the same text twice, or an equal text, to the same answer, and the next one afresh', () => {
    const text = '2024-02-29T23:59:59.999Z';
    assert.equal(instantMs(text), Date.parse(text));
    assert.equal(instantMs(text), Date.parse(text));
    assert.equal(instantMs(['2024-02-29T', '23:59:59.999Z'].join('')), Date.parse(text));
    assert.equal(instantMs('2024-03-01T00:00:00.000Z'), Date.parse('2024-03-01T00:00:00.000Z'));
    for (const odd of ['2024-02-30T00:00:00.000Z', '2024-02-30T00:00:00.000Z', 'soon', 'soon']) assert.equal(instantMs(odd), Date.parse(odd), odd);
  });

  it('gives Date.parse answer for instants of every year from 0000 to 9999, leap days and the last millisecond of a day included', () => {
    const random = seededRandom('instant-ms');
    const first = Date.parse('0000-01-01T00:00:00.000Z');
    const samples = ['0000-01-01T00:00:00.000Z', '0000-02-29T12:00:00.000Z', '0099-12-31T23:59:59.999Z', '1970-01-01T00:00:00.000Z', '1969-12-31T23:59:59.999Z', '2000-02-29T00:00:00.000Z', '2100-03-01T00:00:00.000Z', '9999-12-31T23:59:59.999Z'];
    for (let i = 0; i < 20_000; i += 1) samples.push(new Date(first + random.below(LATEST - first)).toISOString());
    for (const text of samples) assert.equal(instantMs(text), Date.parse(text), text);
  });

  it('agrees with Date.parse on anything else, near misses of an instant included', () => {
    const random = seededRandom('instant-ms-mutations');
    const alphabet = '0123456789-:.TZz+ x';
    const others = ['', '2024-01-01', '2024-01-01T00:00:00Z', '2024-02-30T00:00:00.000Z', '2023-02-29T00:00:00.000Z', '2024-13-01T00:00:00.000Z', '2024-01-01T24:00:00.000Z', '+002024-01-01T00:00:00.000Z', 'not a time at all, 24 chr'];
    for (let i = 0; i < 20_000; i += 1) {
      const text = new Date(random.below(LATEST)).toISOString();
      const at = random.below(text.length);
      others.push(text.slice(0, at) + random.pick([...alphabet]) + text.slice(at + 1));
    }
    for (const text of others) assert.ok(Object.is(instantMs(text), Date.parse(text)), text);
  });
});
