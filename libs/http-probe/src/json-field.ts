export type JsonScalar = string | number | boolean | null;

export type JsonFieldReading = { found: true; value: unknown } | { found: false };

/** Follows a dot path through objects and arrays (`items.0.ok`); own properties only, so `__proto__` finds nothing. */
export function readJsonField(document: unknown, path: string): JsonFieldReading {
  let current: unknown = document;
  for (const segment of path.split('.')) {
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, segment)) return { found: false };
    current = (current as Record<string, unknown>)[segment];
  }
  return { found: true, value: current };
}

/** How a reason quotes a JSON value: short, one line. */
export function quoteJson(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object' && value !== null) return 'an object';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
