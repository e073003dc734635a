import type { ValidationArguments } from 'class-validator';
import { planOf, type ClassPlan, type ConstraintCheck, type PropertyPlan } from './compiled-plan.js';
import { validatePlain, type Validated } from './validation.js';

/** The answer "not sure": the value is invalid, or shaped in a way the compiled path does not reproduce. */
const UNSURE = Symbol('unsure');

/** Deeper plain values are left to class-transformer (bounded records are far shallower). */
const MAX_DEPTH = 64;

/**
 * `validatePlain` with a compiled fast path: the same rules, read once from the class's class-validator and
 * class-transformer metadata, accept a definitely valid value and build exactly the instance `validatePlain` would.
 * Anything else (invalid, unusual, or a class using a rule the compiler does not know) goes to `validatePlain`, which
 * also gives the error messages.
 */
export function validateCompiled<T extends object>(cls: new () => T, plain: unknown, rootPath = ''): Validated<T> {
  const value = definitelyValid(cls, plain);
  return value === undefined ? validatePlain(cls, plain, rootPath) : { ok: true, value };
}

/**
 * The instance `validatePlain` would return when the compiled plan is sure `plain` is valid, undefined otherwise.
 * `ignoredKey` is one the caller judges apart (the envelope's `data`): the answer is then about `plain` without it.
 */
export function definitelyValid<T extends object>(cls: new () => T, plain: unknown, ignoredKey?: string): T | undefined {
  const plan = planOf(cls);
  if (plan === undefined) return undefined;
  try {
    const instance = buildInstance(plan, plain, ignoredKey);
    return instance !== UNSURE && satisfies(plan, instance as Record<string, unknown>) ? (instance as T) : undefined;
  } catch {
    // A constraint throwing on an odd value: class-validator meets the same value and reports it its own way.
    return undefined;
  }
}

/** What `plainToInstance` makes of `plain`: a new instance with every key copied in order, nested classes built. */
function buildInstance(plan: ClassPlan, plain: unknown, ignoredKey?: string): unknown {
  if (typeof plain !== 'object' || plain === null || Array.isArray(plain)) return UNSURE;
  const prototype: unknown = Object.getPrototypeOf(plain);
  if (prototype !== Object.prototype && prototype !== plan.cls.prototype) return UNSURE;
  const instance = new plan.cls() as Record<string, unknown>;
  for (const key of Object.keys(plain)) {
    if (key === ignoredKey) continue;
    // An undeclared key is a whitelist error, or one class-transformer silently skips (`constructor`): not sure.
    const property = plan.properties.get(key);
    if (property === undefined) return UNSURE;
    const raw = (plain as Record<string, unknown>)[key];
    const value = property.nested ? buildInstance(property.nested, raw) : copyPlain(raw, 1);
    if (value === UNSURE) return UNSURE;
    // class-transformer's default (exposeUnsetFields) keeps a key whose value is undefined.
    instance[key] = value;
  }
  return instance;
}

/** What class-transformer makes of a value with no declared type: JSON values copied deeply, anything else unsure. */
function copyPlain(value: unknown, depth: number): unknown {
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

/** class-validator's verdict on a built instance, without collecting errors: false means "not sure". */
function satisfies(plan: ClassPlan, instance: Record<string, unknown>): boolean {
  for (const property of plan.ordered) {
    const value = instance[property.name];
    if (!conditionsHold(property, instance, value)) continue;
    for (const check of property.checks) if (!passes(check, plan.targetName, instance, value)) return false;
    if (property.nested && !satisfiesNested(property.nested, value)) return false;
  }
  return true;
}

function conditionsHold(property: PropertyPlan, instance: object, value: unknown): boolean {
  for (const condition of property.conditions) if (!condition(instance, value)) return false;
  return true;
}

/** class-validator validates a nested value against its own constructor's rules: only an instance built here is sure. */
function satisfiesNested(plan: ClassPlan, value: unknown): boolean {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === plan.cls.prototype && satisfies(plan, value as Record<string, unknown>);
}

function passes(check: ConstraintCheck, targetName: string, object: object, value: unknown): boolean {
  const args: ValidationArguments = { targetName, property: check.property, object, value, constraints: check.constraints };
  if (!check.each || !Array.isArray(value)) return accepted(check.validate(value, args));
  for (const item of value) if (!accepted(check.validate(item, args))) return false;
  return true;
}

/** A promise is what class-validator's synchronous run ignores: not a verdict to trust. */
function accepted(result: unknown): boolean {
  const thenable = typeof result === 'object' && result !== null && typeof (result as { then?: unknown }).then === 'function';
  return !thenable && Boolean(result);
}
