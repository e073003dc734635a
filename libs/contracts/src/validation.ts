import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, validateSync, type ValidationError } from 'class-validator';

export type Validated<T> = { ok: true; value: T } | { ok: false; errors: string[] };

type Constructor<T> = new () => T;

/**
 * Validates a plain value against a class-validator class. Unknown properties are errors, not silently dropped,
 * so a typo in a message or config field is reported instead of ignored.
 */
export function validatePlain<T extends object>(cls: Constructor<T>, plain: unknown, rootPath = ''): Validated<T> {
  if (typeof plain !== 'object' || plain === null || Array.isArray(plain)) {
    return { ok: false, errors: [`${rootPath || '(root)'}: must be an object`] };
  }
  const inherited = inheritedKeyPath(plain, rootPath || '(root)', 0);
  if (inherited) return { ok: false, errors: [`${inherited}: a key naming a member every object inherits is not allowed`] };
  const instance = plainToInstance(cls, plain, { enableImplicitConversion: false });
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
  if (errors.length === 0) return { ok: true, value: instance };
  return { ok: false, errors: flattenErrors(errors, rootPath) };
}

/** `constructor`, `toString`, `__proto__`…: class-transformer reads such keys as the object's own members, and throws or drops them. */
const INHERITED_KEYS: ReadonlySet<string> = new Set(Object.getOwnPropertyNames(Object.prototype));

/** No JSON message or config nests this deep; past it, class-validator's own depth limits answer. */
const MAX_KEY_SCAN_DEPTH = 64;

function inheritedKeyPath(value: unknown, path: string, depth: number): string | undefined {
  if (typeof value !== 'object' || value === null || depth > MAX_KEY_SCAN_DEPTH) return undefined;
  for (const key of Object.keys(value)) {
    const keyPath = Array.isArray(value) ? `${path}[${key}]` : `${path}.${key}`;
    if (!Array.isArray(value) && INHERITED_KEYS.has(key)) return keyPath;
    const nested = inheritedKeyPath((value as Record<string, unknown>)[key], keyPath, depth + 1);
    if (nested) return nested;
  }
  return undefined;
}

export function flattenErrors(errors: ValidationError[], parentPath: string): string[] {
  return errors.flatMap((error) => {
    const path = parentPath ? `${parentPath}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => `${path}: ${describe(message, error.property)}`);
    return [...own, ...flattenErrors(error.children ?? [], path)];
  });
}

/** class-validator messages start with the property name; the path already says it. */
function describe(message: string, property: string): string {
  return message.startsWith(`${property} `) ? message.slice(property.length + 1) : message;
}

/**
 * An action's parameters, read by its own class. A class that declares no parameter accepts only `{}`: class-validator
 * refuses to judge a class without rules, and without rules any key would be unknown anyway.
 */
export function validateParams<T extends object>(cls: Constructor<T>, plain: unknown): Validated<T> {
  const declaresRules = getMetadataStorage().getTargetValidationMetadatas(cls, '', true, false).length > 0;
  if (declaresRules) return validatePlain(cls, plain, 'params');
  if (typeof plain !== 'object' || plain === null || Array.isArray(plain)) return { ok: false, errors: ['params: must be an object'] };
  const unknown = Object.keys(plain);
  if (unknown.length > 0) return { ok: false, errors: unknown.map((key) => `params.${key}: property ${key} should not exist`) };
  return { ok: true, value: new cls() };
}
