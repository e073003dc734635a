/** The answer "not sure": the value is invalid, or shaped in a way the compiled path does not reproduce. */
export const UNSURE = Symbol('unsure');

/** Deeper plain values are left to class-transformer (bounded records are far shallower). */
const MAX_DEPTH = 64;

type PlainKind = 'leaf' | 'array' | 'record' | typeof UNSURE;

/** How class-transformer treats a value with no declared type: JSON leaves as they are, lists and records copied, anything else unsure. */
function plainKindOf(value: unknown, depth: number): PlainKind {
  if (value === null || value === undefined || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return 'leaf';
  if (typeof value !== 'object' || depth > MAX_DEPTH) return UNSURE;
  if (Array.isArray(value)) return Object.getPrototypeOf(value) === Array.prototype ? 'array' : UNSURE;
  return Object.getPrototypeOf(value) === Object.prototype ? 'record' : UNSURE;
}

/** class-transformer's forEach skips holes, closing them up: a list with one is not copied as it is. */
function isHole(array: unknown[], index: number): boolean {
  return !Object.prototype.hasOwnProperty.call(array, index);
}

/** class-transformer drops `__proto__`, `constructor` and keys naming Object.prototype members (`toString`). */
function isDroppedKey(key: string): boolean {
  return key === '__proto__' || key in Object.prototype;
}

/** What class-transformer makes of a value with no declared type: JSON values copied deeply, anything else unsure. */
export function copyPlain(value: unknown, depth: number): unknown {
  const kind = plainKindOf(value, depth);
  if (kind === 'array') return copyArray(value as unknown[], depth);
  if (kind === 'record') return copyRecord(value as Record<string, unknown>, depth);
  return kind === 'leaf' ? value : UNSURE;
}

function copyArray(array: unknown[], depth: number): unknown {
  const copy: unknown[] = [];
  for (let index = 0; index < array.length; index += 1) {
    if (isHole(array, index)) return UNSURE;
    const item = copyPlain(array[index], depth + 1);
    if (item === UNSURE) return UNSURE;
    copy.push(item);
  }
  return copy;
}

function copyRecord(record: Record<string, unknown>, depth: number): unknown {
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(record)) {
    if (isDroppedKey(key)) return UNSURE;
    const value = copyPlain(record[key], depth + 1);
    if (value === UNSURE) return UNSURE;
    copy[key] = value;
  }
  return copy;
}

/** Whether `copyPlain` would copy the value whole (not unsure), read without copying: the copy would equal it. */
export function copiesWhole(value: unknown, depth: number): boolean {
  const kind = plainKindOf(value, depth);
  if (kind === 'array') return arrayCopiesWhole(value as unknown[], depth);
  if (kind === 'record') return recordCopiesWhole(value as Record<string, unknown>, depth);
  return kind === 'leaf';
}

function arrayCopiesWhole(array: unknown[], depth: number): boolean {
  // The copy takes the items only: a list with keys of its own besides them loses those.
  if (Object.keys(array).length !== array.length) return false;
  for (let index = 0; index < array.length; index += 1) {
    if (isHole(array, index) || !copiesWhole(array[index], depth + 1)) return false;
  }
  return true;
}

function recordCopiesWhole(record: Record<string, unknown>, depth: number): boolean {
  for (const key of Object.keys(record)) {
    if (isDroppedKey(key) || !copiesWhole(record[key], depth + 1)) return false;
  }
  return true;
}
