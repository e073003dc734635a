import { PAYLOAD_SAMPLES } from './event-samples.test-support.js';
import { TARGET_KINDS } from './target.js';

/** Seeded, so a failure names a case that replays exactly. */
export type Random = { below(n: number): number; pick<T>(items: readonly T[]): T };

export function seededRandom(seed: string): Random {
  let state = [...seed].reduce((hash, char) => Math.imul(hash ^ char.charCodeAt(0), 16777619) >>> 0, 2166136261);
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const below = (n: number) => Math.floor(next() * n);
  return { below, pick: (items) => items[below(items.length)]! };
}

/** Lengths around every bound the contracts use (64, 128, 253, 256, 300, 1024, 4096, 16384). */
const LENGTHS = [0, 1, 63, 64, 65, 127, 128, 129, 253, 254, 256, 257, 300, 301, 1024, 1025, 4096, 4097, 16384, 16385];
const UNITS = ['a', 'é', '😀', '\u0000', ' ', '-', '/', 'A'];

export const EDGE_VALUES: readonly unknown[] = [
  null,
  undefined,
  NaN,
  Infinity,
  -Infinity,
  -0,
  0,
  1,
  -1,
  1.5,
  2 ** 31,
  2 ** 53,
  Number.MAX_VALUE,
  '',
  '0',
  '1',
  'true',
  true,
  false,
  [],
  {},
  [1],
  ['a', 'b'],
  { a: 1 },
  '0B6F1A52-3C1E-4C7A-9F0E-1D2C3B4A5E6F',
  '0b6f1a523c1e4c7a9f0e1d2c3b4a5e6f',
  '00000000-0000-0000-0000-000000000000',
  '2025-02-30T00:00:00Z',
  '2025-03-01',
  '2025-03-01T12:00:00',
  '2025-03-01T12:00:00+01:00',
  '2025-03-01T24:00:00Z',
  'A'.repeat(64),
  'a'.repeat(63),
  'container:web',
  '/srv/../etc',
  'WEB',
  new Date(0),
  new Map([['a', 1]]),
  Object.create(null) as unknown,
  () => 1,
  1n,
];

/** Every value any sample holds somewhere: a value valid in one field is a plausible wrong value in another. */
const SAMPLE_VALUES: readonly unknown[] = Object.values(PAYLOAD_SAMPLES).flatMap((sample) => leaves(sample));

export const EXTRA_KEYS = ['extra', 'constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__', 'prototype', '', '0', 'ä', 'kind', 'id', 'data', 'target', 'then'];

function leaves(value: unknown): unknown[] {
  if (typeof value !== 'object' || value === null) return [value];
  return [value, ...Object.values(value).flatMap((item) => leaves(item))];
}

export type Slot = { holder: Record<string, unknown> | unknown[]; key: string };

/** Every property and array item of `root`, nested ones included, as places to change. */
export function slotsOf(root: object): Slot[] {
  const slots: Slot[] = [];
  const walk = (holder: Record<string, unknown> | unknown[]) => {
    for (const key of Object.keys(holder)) {
      slots.push({ holder, key });
      const value = (holder as Record<string, unknown>)[key];
      if (typeof value === 'object' && value !== null && (Array.isArray(value) || Object.getPrototypeOf(value) === Object.prototype)) {
        walk(value as Record<string, unknown>);
      }
    }
  };
  walk(root as Record<string, unknown>);
  return slots;
}

export function holdersOf(root: object): Array<Record<string, unknown> | unknown[]> {
  return [root as Record<string, unknown>, ...slotsOf(root).map((slot) => (slot.holder as Record<string, unknown>)[slot.key]).filter((v): v is Record<string, unknown> => typeof v === 'object' && v !== null && !(v instanceof Map) && !(v instanceof Date))];
}

function randomString(random: Random): string {
  return random.pick(UNITS).repeat(random.pick(LENGTHS));
}

function randomValue(random: Random): unknown {
  switch (random.below(4)) {
    case 0:
      return random.pick(EDGE_VALUES);
    case 1:
      return randomString(random);
    default:
      return structuredCloneSafe(random.pick(SAMPLE_VALUES));
  }
}

function structuredCloneSafe(value: unknown): unknown {
  return typeof value === 'object' && value !== null ? (JSON.parse(JSON.stringify(value)) as unknown) : value;
}

/** A small change to a value already there: near misses of a valid value. */
function nudged(value: unknown, random: Random): unknown {
  if (typeof value === 'number') return random.pick([value + 1, value - 1, -value, value + 0.5, String(value)]);
  if (typeof value === 'string') {
    return random.pick([value + random.pick(UNITS), value.slice(1), value.toUpperCase(), ` ${value}`, value + random.pick(UNITS).repeat(random.pick(LENGTHS)), [value], Number(value)]);
  }
  if (Array.isArray(value)) return random.pick([[...value, ...value], value.slice(1), { ...value }, [value]]);
  if (typeof value === 'object' && value !== null) return random.pick([Object.values(value), [value], { ...value, kind: random.pick(TARGET_KINDS) }]);
  return randomValue(random);
}

export function setOwn(holder: object, key: string, value: unknown): void {
  // defineProperty makes even `__proto__` an own key, as JSON.parse does.
  Object.defineProperty(holder, key, { value, enumerable: true, writable: true, configurable: true });
}

function mutateOnce(root: Record<string, unknown>, random: Random): void {
  const slots = slotsOf(root);
  if (slots.length === 0) {
    setOwn(root, random.pick(EXTRA_KEYS), randomValue(random));
    return;
  }
  const slot = random.pick(slots);
  const current = (slot.holder as Record<string, unknown>)[slot.key];
  switch (random.below(6)) {
    case 0:
      if (Array.isArray(slot.holder)) slot.holder.splice(Number(slot.key), 1);
      else delete slot.holder[slot.key];
      return;
    case 1: {
      const holder = random.pick(holdersOf(root));
      setOwn(holder, Array.isArray(holder) ? String(holder.length + random.below(2)) : random.pick(EXTRA_KEYS), randomValue(random));
      return;
    }
    case 2:
      setOwn(slot.holder, slot.key, randomValue(random));
      return;
    default:
      setOwn(slot.holder, slot.key, nudged(current, random));
  }
}

/** A JSON copy of `sample` with one to three random changes, or none now and then (still valid, still compared). */
export function mutate(sample: Record<string, unknown>, random: Random): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(sample)) as Record<string, unknown>;
  const changes = random.below(4);
  for (let i = 0; i < changes; i++) mutateOnce(copy, random);
  return copy;
}
