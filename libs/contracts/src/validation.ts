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
  const instance = plainToInstance(cls, plain, { enableImplicitConversion: false });
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
  if (errors.length === 0) return { ok: true, value: instance };
  return { ok: false, errors: flattenErrors(errors, rootPath) };
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
