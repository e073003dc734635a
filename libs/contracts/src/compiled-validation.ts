import { compiledClassOf, type CompiledClass } from './compiled-code.js';
import { planOf } from './compiled-plan.js';
import { UNSURE } from './plain-copy.js';
import { validatePlain, type Validated } from './validation.js';

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

/** Null for a class left to class-validator alone. */
const byClass = new WeakMap<new () => object, CompiledClass | null>();

function compiledOf(cls: new () => object): CompiledClass | null {
  let code = byClass.get(cls);
  if (code === undefined) {
    const plan = planOf(cls);
    code = plan === undefined ? null : compiledClassOf(plan);
    byClass.set(cls, code);
  }
  return code;
}

/**
 * The instance `validatePlain` would return when the compiled plan is sure `plain` is valid, undefined otherwise.
 * `ignoredKey` is one the caller judges apart (the envelope's `data`): the answer is then about `plain` without it.
 */
export function definitelyValid<T extends object>(cls: new () => T, plain: unknown, ignoredKey?: string): T | undefined {
  const code = compiledOf(cls);
  if (code === null) return undefined;
  try {
    const instance = code.build(plain, ignoredKey);
    return instance !== UNSURE && code.check(instance as object) ? (instance as T) : undefined;
  } catch {
    // A constraint throwing on an odd value: class-validator meets the same value and reports it its own way.
    return undefined;
  }
}

/**
 * Whether the compiled plan is sure `owned` is valid as it stands, judged in place: then nested values are replaced by
 * the instances `validatePlain` would build, and `owned` holds what its instance would. For a value the caller owns
 * (fresh from `JSON.parse`); on false it is untouched.
 */
export function adoptedInPlace(cls: new () => object, owned: unknown, ignoredKey?: string): boolean {
  const code = compiledOf(cls);
  if (code === null) return false;
  try {
    return code.adopt(owned, ignoredKey);
  } catch {
    return false;
  }
}
