/** The answer "not sure": the value is invalid, or shaped in a way the compiled path does not reproduce. */
export const UNSURE = Symbol('unsure');

/** Deeper plain values are left to class-transformer (bounded records are far shallower). */
const MAX_DEPTH = 64;

/** What class-transformer makes of a value with no declared type: JSON values copied deeply, anything else unsure. */
export function copyPlain(value: unknown, depth: number): unknown {
  if (value === null || value === undefined || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value !== 'object' || depth > MAX_DEPTH) return UNSURE;
  if (Array.isArray(value)) return copyArray(value, depth);
  return Object.getPrototypeOf(value) === Object.prototype ? copyRecord(value as Record<string, unknown>, depth) : UNSURE;
}

function copyArray(array: unknown[], depth: number): unknown {
  if (Object.getPrototypeOf(array) !== Array.prototype) return UNSURE;
  const copy: unknown[] = [];
  for (let index = 0; index < array.length; index += 1) {
    // class-transformer's forEach skips holes, closing them up.
    if (!Object.prototype.hasOwnProperty.call(array, index)) return UNSURE;
    const item = copyPlain(array[index], depth + 1);
    if (item === UNSURE) return UNSURE;
    copy.push(item);
  }
  return copy;
}

function copyRecord(record: Record<string, unknown>, depth: number): unknown {
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(record)) {
    // class-transformer drops `__proto__`, `constructor` and keys naming Object.prototype members (`toString`).
    if (key === '__proto__' || key in Object.prototype) return UNSURE;
    const value = copyPlain(record[key], depth + 1);
    if (value === UNSURE) return UNSURE;
    copy[key] = value;
  }
  return copy;
}
