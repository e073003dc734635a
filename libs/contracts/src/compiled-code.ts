import { isCanonicalInstant, isCanonicalUuid } from './canonical-forms.js';
import type { ClassPlan, ConstraintCheck, PropertyPlan } from './compiled-plan.js';
import { copiesWhole, copyPlain, UNSURE } from './plain-copy.js';

/** A class plan as functions written for it, straight-line code with one shape per class for the engine to optimise. */
export type CompiledClass = {
  /** What `plainToInstance` makes of `plain`: a new instance, every key copied in order, nested classes built; or UNSURE. */
  build(plain: unknown, ignoredKey?: string): unknown;
  /** class-validator's verdict on an instance `build` made, without collecting errors: false means "not sure". */
  check(instance: object): boolean;
  /**
   * `build` and `check` together, judged in place instead of on a copy: true when both would say yes and every field
   * `build` copies would equal the value's own. False too for a class whose rules might read its prototype.
   */
  accepts(plain: unknown, ignoredKey?: string): boolean;
  /**
   * `accepts`, for a value its caller owns (fresh from `JSON.parse`), whose nested values are then replaced by the
   * instances `build` makes of them: it then holds what the instance would, under the plain prototype. On false, untouched.
   */
  adopt(owned: unknown, ignoredKey?: string): boolean;
};

type Factory = (refs: readonly unknown[], unsure: typeof UNSURE, copy: typeof copyPlain, passes: typeof passesCheck, whole: typeof copiesWhole) => CompiledClass;

const compiled = new WeakMap<ClassPlan, CompiledClass>();

export function compiledClassOf(plan: ClassPlan): CompiledClass {
  let code = compiled.get(plan);
  if (code === undefined) {
    code = generate(plan);
    compiled.set(plan, code);
  }
  return code;
}

/**
 * The values the written code uses (classes, conditions, checks, nested classes) are passed in by index, never
 * written into it: only property names (as JSON string literals) and finite numbers become source text.
 */
class Source {
  readonly refs: unknown[] = [];

  ref(value: unknown): string {
    this.refs.push(value);
    return `r[${this.refs.length - 1}]`;
  }
}

function generate(plan: ClassPlan): CompiledClass {
  const source = new Source();
  const accepts = readsOnlyOwnFields(plan) ? `const checkInPlace = ${checkSource(plan, source, 'inPlace')};\n  const accepts = ${acceptsSource(plan, source)};` : 'const accepts = () => false;';
  const body = `"use strict";
  ${accepts}
  return { build: ${buildSource(plan, source)}, check: ${checkSource(plan, source, 'built')}, accepts, adopt: ${adoptSource(plan, source)} };`;
  const factory = new Function('r', 'UNSURE', 'copyPlain', 'passes', 'copiesWhole', body) as Factory;
  return factory(source.refs, UNSURE, copyPlain, passesCheck, copiesWhole);
}

/**
 * Rules are handed the object they judge: checked in place, that is the plain value instead of the instance. Only a
 * class whose prototypes, its nested classes' too, hold nothing but constructors gives its rules nothing more.
 */
function readsOnlyOwnFields(plan: ClassPlan): boolean {
  for (let proto: object | null = plan.cls.prototype as object; proto !== null && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    if (Reflect.ownKeys(proto).some((key) => key !== 'constructor')) return false;
  }
  return plan.ordered.every((property) => property.nested === undefined || readsOnlyOwnFields(property.nested));
}

function buildSource(plan: ClassPlan, source: Source): string {
  const cls = source.ref(plan.cls);
  const cases = plan.ordered.map((property) => {
    const key = JSON.stringify(property.name);
    const copied = property.nested ? `${source.ref(compiledClassOf(property.nested))}.build(plain[${key}])` : `copyPlain(plain[${key}], 1)`;
    return `case ${key}: { const v = ${copied}; if (v === UNSURE) return UNSURE; instance[${key}] = v; break; }`;
  });
  // An undeclared key is a whitelist error, or one class-transformer silently skips (`constructor`): not sure.
  return `function build(plain, ignoredKey) {
    if (typeof plain !== 'object' || plain === null || Array.isArray(plain)) return UNSURE;
    const prototype = Object.getPrototypeOf(plain);
    if (prototype !== Object.prototype && prototype !== ${cls}.prototype) return UNSURE;
    const instance = new ${cls}();
    ${keyLoopSource(cases, 'UNSURE')}
    return instance;
  }`;
}

/** Each own key of `plain` but `ignoredKey`, one case per declared property; any other key returns `otherwise`. */
function keyLoopSource(cases: string[], otherwise: string): string {
  return `const keys = Object.keys(plain);
    for (let i = 0; i < keys.length; i += 1) {
      const key = keys[i];
      if (key === ignoredKey) continue;
      switch (key) {
        ${cases.join('\n        ')}
        default: return ${otherwise};
      }
    }`;
}

/** The keys `build` would take, each value one it would copy whole and nested values accepted in turn; then the rules, in place. */
function acceptsSource(plan: ClassPlan, source: Source): string {
  const cases = plan.ordered.map((property) => {
    const key = JSON.stringify(property.name);
    const judged = property.nested ? `${source.ref(compiledClassOf(property.nested))}.accepts(plain[${key}])` : `copiesWhole(plain[${key}], 1)`;
    return `case ${key}: if (!${judged}) return false; break;`;
  });
  return `function accepts(plain, ignoredKey) {
    if (typeof plain !== 'object' || plain === null || Object.getPrototypeOf(plain) !== Object.prototype) return false;
    ${keyLoopSource(cases, 'false')}
    return checkInPlace(plain);
  }`;
}

/** Nested values are replaced only once the whole value is accepted, so a refused one is left as it was. */
function adoptSource(plan: ClassPlan, source: Source): string {
  const replacements = plan.ordered.flatMap((property) => {
    if (!property.nested) return [];
    const key = JSON.stringify(property.name);
    return [`if (owned[${key}] !== undefined) owned[${key}] = ${source.ref(compiledClassOf(property.nested))}.build(owned[${key}]);`];
  });
  return `function adopt(owned, ignoredKey) {
    if (!accepts(owned, ignoredKey)) return false;
    ${replacements.join('\n    ')}
    return true;
  }`;
}

/** `inPlace`: the object judged is the plain value itself, its nested values already accepted in place. */
function checkSource(plan: ClassPlan, source: Source, mode: 'built' | 'inPlace'): string {
  const targetName = JSON.stringify(plan.targetName);
  const properties = plan.ordered.map((property) => propertySource(property, targetName, source, mode));
  return `function check(instance) {
    let value;
    ${properties.join('\n    ')}
    return true;
  }`;
}

/** The property's rules, skipped as a whole when one of its conditions (`@IsOptional`, `@ValidateIf`) is false. */
function propertySource(property: PropertyPlan, targetName: string, source: Source, mode: 'built' | 'inPlace'): string {
  const tests = property.checks.map((check) => checkTestSource(check, targetName, source));
  if (property.nested && mode === 'inPlace') {
    tests.push(`if (!(typeof value === 'object' && value !== null)) return false;`);
  } else if (property.nested) {
    const nested = property.nested;
    // class-validator validates a nested value against its own constructor's rules: only an instance built here is sure.
    tests.push(`if (!(typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === ${source.ref(nested.cls)}.prototype && ${source.ref(compiledClassOf(nested))}.check(value))) return false;`);
  }
  const conditions = property.conditions.map((condition) => `${source.ref(condition)}(instance, value)`);
  return `value = instance[${JSON.stringify(property.name)}]; if (${conditions.join(' && ') || 'true'}) { ${tests.join(' ')} }`;
}

function checkTestSource(check: ConstraintCheck, targetName: string, source: Source): string {
  const general: TestSource = (v) => `passes(${source.ref(check)}, ${targetName}, instance, value, ${v})`;
  const test = INLINE_TESTS[check.name]?.(check.constraints, source, general) ?? general;
  if (!check.each) return `if (!(${test('value')})) return false;`;
  return `if (Array.isArray(value)) { for (let j = 0; j < value.length; j += 1) { const item = value[j]; if (!(${test('item')})) return false; } } else if (!(${test('value')})) return false;`;
}

type TestSource = (variable: string) => string;

const finite = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n);

/**
 * class-validator's own tests of these constraints, written inline (its source, `class-validator/cjs/decorator`),
 * each saying yes only where it says yes. Undefined leaves the constraint to its own function: a bound that is
 * not a finite number, a list holding NaN.
 */
const INLINE_TESTS: Readonly<Record<string, (constraints: unknown[], source: Source, general: TestSource) => TestSource | undefined>> = {
  isDefined: () => (v) => `${v} !== undefined && ${v} !== null`,
  // It also accepts String and Boolean objects, which no decoded or copied value is: those go to class-validator.
  isString: () => (v) => `typeof ${v} === 'string'`,
  isBoolean: () => (v) => `typeof ${v} === 'boolean'`,
  isInt: () => (v) => `typeof ${v} === 'number' && Number.isInteger(${v})`,
  isArray: () => (v) => `Array.isArray(${v})`,
  // validator's isLength counts a surrogate pair or a presentation sequence as one character: never more than `length`.
  maxLength: ([max]) => (finite(max) ? (v) => `typeof ${v} === 'string' && ${v}.length <= ${max}` : undefined),
  min: ([min]) => (finite(min) ? (v) => `typeof ${v} === 'number' && ${v} >= ${min}` : undefined),
  max: ([max]) => (finite(max) ? (v) => `typeof ${v} === 'number' && ${v} <= ${max}` : undefined),
  arrayMinSize: ([min]) => (finite(min) ? (v) => `Array.isArray(${v}) && ${v}.length >= ${min}` : undefined),
  arrayMaxSize: ([max]) => (finite(max) ? (v) => `Array.isArray(${v}) && ${v}.length <= ${max}` : undefined),
  // A set finds what `===` finds, NaN aside (the set finds it, `===` does not).
  isIn: ([values], source) => {
    if (!Array.isArray(values) || values.some((value) => Number.isNaN(value))) return undefined;
    const allowed = source.ref(new Set(values));
    return (v) => `${allowed}.has(${v})`;
  },
  // Jarvis's own forms first; the constraint itself judges anything else.
  isIso8601: (_constraints, source, general) => shortcut(source.ref(isCanonicalInstant), general),
  isUuid: ([version], source, general) => (version === undefined || version === null || version === 'all' ? shortcut(source.ref(isCanonicalUuid), general) : undefined),
};

function shortcut(recognise: string, general: TestSource): TestSource {
  return (v) => `(${recognise}(${v}) || ${general(v)})`;
}

/** One constraint as class-validator runs it, with the arguments it gets there; a promise is no verdict to trust. */
function passesCheck(check: ConstraintCheck, targetName: string, object: object, value: unknown, item: unknown): boolean {
  const result = check.validate(item, { targetName, property: check.property, object, value, constraints: check.constraints });
  const thenable = typeof result === 'object' && result !== null && typeof (result as { then?: unknown }).then === 'function';
  return !thenable && Boolean(result);
}
