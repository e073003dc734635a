import 'reflect-metadata';
import { TransformationType } from 'class-transformer';
import { defaultMetadataStorage } from 'class-transformer/cjs/storage.js';
import { getMetadataStorage, ValidationTypes, type ValidationArguments } from 'class-validator';

type Constructor = new () => object;
type ValidatorStorage = ReturnType<typeof getMetadataStorage>;
type ValidationMetadata = ReturnType<ValidatorStorage['getTargetValidationMetadatas']>[number];

/** One constraint as class-validator runs it: the constraint's own validate function with the arguments it gets there. */
export type ConstraintCheck = {
  /** The constraint's registered name (`isString`, `maxLength`...): one of the known ones. */
  name: string;
  property: string;
  each: boolean;
  constraints: unknown[];
  validate: (value: unknown, args: ValidationArguments) => unknown;
};

export type PropertyPlan = {
  name: string;
  /** `@IsOptional`/`@ValidateIf` conditions: when one is false, class-validator skips every other rule of the property. */
  conditions: Array<(object: object, value: unknown) => boolean>;
  checks: ConstraintCheck[];
  /** The `@Type` class the property is built as and, through `@ValidateNested`, validated against. */
  nested: ClassPlan | undefined;
};

/** What class-transformer and class-validator would do with one class, read once from their metadata. */
export type ClassPlan = {
  cls: Constructor;
  targetName: string;
  /** In class-validator's order. */
  ordered: readonly PropertyPlan[];
};

/**
 * Constraints known to be synchronous and to depend only on the value, its object and their own constraints: the
 * decorators the contracts use. Any other constraint leaves its class to class-validator alone.
 */
const KNOWN_CONSTRAINTS = new Set([
  'isDefined',
  'isString',
  'maxLength',
  'isUuid',
  'isIn',
  'isInt',
  'min',
  'max',
  'matches',
  'isIso8601',
  'isBoolean',
  'isArray',
  'arrayMinSize',
  'arrayMaxSize',
  'isBoundedRecord',
  'isIdentityOfItsKind',
]);

/** Types class-transformer converts by itself (`String(value)`, `new Date(value)`...): never a nested class here. */
const CONVERTED_TYPES: ReadonlySet<unknown> = new Set([String, Number, Boolean, Date, Buffer, Array, Map, Set, Object, Promise]);

class Unsupported extends Error {}

const plans = new Map<Constructor, Map<string, ClassPlan | null>>();

/**
 * The compiled plan of `cls` as validated under `schema` (class-validator's name for the class declaring a nested
 * property), or undefined when the class uses anything the plan does not reproduce exactly. Compiled at first use.
 */
export function planOf(cls: Constructor, schema?: string): ClassPlan | undefined {
  const bySchema = plans.get(cls) ?? new Map<string, ClassPlan | null>();
  plans.set(cls, bySchema);
  const key = schema ?? '';
  if (!bySchema.has(key)) bySchema.set(key, compileOrNull(cls, schema, new Set()));
  return bySchema.get(key) ?? undefined;
}

function compileOrNull(cls: Constructor, schema: string | undefined, compiling: Set<Constructor>): ClassPlan | null {
  try {
    return compileClass(cls, schema, compiling);
  } catch {
    // Unsupported, or a class whose constructor or type function throws: class-validator alone judges it.
    return null;
  }
}

function compileClass(cls: Constructor, schema: string | undefined, compiling: Set<Constructor>): ClassPlan {
  if (compiling.has(cls)) throw new Unsupported('a class nested in itself');
  const nestedCompiling = new Set(compiling).add(cls);
  requireNoTransformerRules(cls);
  // class-validator's own query for validateSync without groups: the same list of rules, in the same order.
  const metadatas = getMetadataStorage().getTargetValidationMetadatas(cls, schema as string, false, false);
  if (metadatas.length === 0) throw new Unsupported('no rules: class-validator refuses the value as unknown');
  const probe = new cls() as Record<string, unknown>;
  // Own fields of a new instance (initialisers) would survive where the plain value has no key: left to class-transformer.
  if (Object.keys(probe).length > 0) throw new Unsupported('field initialisers');
  const ordered = [...groupByProperty(metadatas)].map(([name, rules]) => compileProperty(cls, probe, name, rules, nestedCompiling));
  return { cls, targetName: cls.name, ordered };
}

function requireNoTransformerRules(cls: Constructor): void {
  if (defaultMetadataStorage.getStrategy(cls) !== 'none') throw new Unsupported('@Expose/@Exclude strategy');
  if (defaultMetadataStorage.getExposedMetadatas(cls).length > 0) throw new Unsupported('@Expose');
  if (defaultMetadataStorage.getExcludedMetadatas(cls).length > 0) throw new Unsupported('@Exclude');
}

function groupByProperty(metadatas: ValidationMetadata[]): Map<string, ValidationMetadata[]> {
  const grouped = new Map<string, ValidationMetadata[]>();
  for (const metadata of metadatas) grouped.set(metadata.propertyName, [...(grouped.get(metadata.propertyName) ?? []), metadata]);
  return grouped;
}

function compileProperty(cls: Constructor, probe: Record<string, unknown>, name: string, rules: ValidationMetadata[], compiling: Set<Constructor>): PropertyPlan {
  // class-transformer skips these keys, or keys shadowed by the prototype, instead of copying them.
  if (name === '__proto__' || name === 'constructor' || Object.getOwnPropertyDescriptor(cls.prototype, name) || probe[name] !== undefined) {
    throw new Unsupported(`property ${name} is not copied as a plain field`);
  }
  if (defaultMetadataStorage.findTransformMetadatas(cls, name, TransformationType.PLAIN_TO_CLASS).length > 0) throw new Unsupported('@Transform');
  const plan: PropertyPlan = { name, conditions: [], checks: [], nested: undefined };
  let nestedSchema: string | undefined;
  for (const rule of rules) {
    if (rule.groups?.length || rule.always !== undefined || rule.validateIf) throw new Unsupported('groups, always or validateIf');
    if (rule.type === ValidationTypes.CONDITIONAL_VALIDATION) plan.conditions.push(rule.constraints[0] as (object: object, value: unknown) => boolean);
    else if (rule.type === ValidationTypes.NESTED_VALIDATION) nestedSchema = nestedSchemaOf(rule);
    else if (rule.type === ValidationTypes.CUSTOM_VALIDATION || rule.type === ValidationTypes.IS_DEFINED) plan.checks.push(...checksOf(rule));
    else throw new Unsupported(`validation type ${rule.type}`);
  }
  const nestedClass = nestedClassOf(cls, name);
  if ((nestedClass === undefined) !== (nestedSchema === undefined)) throw new Unsupported('@Type without @ValidateNested or the reverse');
  if (nestedClass) plan.nested = compileClass(nestedClass, nestedSchema, compiling);
  return plan;
}

function nestedSchemaOf(rule: ValidationMetadata): string {
  if (rule.each) throw new Unsupported('@ValidateNested({ each: true })');
  return typeof rule.target === 'string' ? rule.target : rule.target.name;
}

function checksOf(rule: ValidationMetadata): ConstraintCheck[] {
  return getMetadataStorage()
    .getTargetValidatorConstraints(rule.constraintCls)
    .map((constraint) => {
      if (constraint.async || !KNOWN_CONSTRAINTS.has(constraint.name)) throw new Unsupported(`constraint ${constraint.name}`);
      const instance = constraint.instance;
      return {
        name: constraint.name,
        property: rule.propertyName,
        each: rule.each === true,
        constraints: rule.constraints,
        validate: (value: unknown, args: ValidationArguments) => instance.validate(value, args),
      };
    });
}

/** The class `@Type` names for the property, if any; anything class-transformer would treat specially is unsupported. */
function nestedClassOf(cls: Constructor, name: string): Constructor | undefined {
  const type = defaultMetadataStorage.findTypeMetadata(cls, name);
  if (!type) return undefined;
  if (type.options?.discriminator || type.reflectedType === Map || type.reflectedType === Set) throw new Unsupported('discriminator, Map or Set');
  // A type function reading its options may pick a class per value; one fixed class is all the plan can hold.
  if (!type.typeFunction || type.typeFunction.length > 0) throw new Unsupported('a type function reading its options');
  const nested = type.typeFunction();
  if (typeof nested !== 'function' || CONVERTED_TYPES.has(nested)) throw new Unsupported('a converted type');
  return nested as Constructor;
}
