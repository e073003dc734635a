import { IS_ARRAY, IS_BOOLEAN, IS_INT, IS_NUMBER, IS_STRING, type ValidationError } from 'class-validator';
import { closestName } from './closest-name.js';
import { constraintName, nestedSectionOf, validatedProperties, type ConfigClass } from './config-classes.js';

type TypeCheck = { constraint: string; expected: string; accepts: (value: unknown) => boolean };

const A_SECTION = 'a section of keys';

/**
 * When a value has the wrong type, its bounds and pattern are noise ("often" is neither below 1 nor above 3600):
 * the first failed check here is reported alone. Containers before their contents.
 */
const TYPE_CHECKS: readonly TypeCheck[] = [
  { constraint: IS_ARRAY, expected: 'a list', accepts: Array.isArray },
  { constraint: 'nestedValidation', expected: A_SECTION, accepts: isRecord },
  { constraint: IS_INT, expected: 'an integer', accepts: Number.isInteger },
  { constraint: IS_NUMBER, expected: 'a number', accepts: (value) => typeof value === 'number' && Number.isFinite(value) },
  { constraint: IS_BOOLEAN, expected: 'true or false', accepts: (value) => typeof value === 'boolean' },
  { constraint: IS_STRING, expected: 'a string', accepts: (value) => typeof value === 'string' },
];

const MAX_SHOWN_STRING = 60;

/** class-validator's errors as one line each, with the full path: `policy.backoff.initialMs: must be ...`. */
export function configProblems(errors: readonly ValidationError[], parentPath = ''): string[] {
  return errors.flatMap((error) => {
    const path = childPath(parentPath, error.property);
    return [...ownProblems(error, path), ...configProblems(error.children ?? [], path)];
  });
}

/**
 * class-validator accepts a list where one section belongs (it validates each entry) and a section where a list of
 * them belongs (it validates the one); these are the paths where that happened, each with its problem.
 */
export function swappedSectionsAndLists(cls: ConfigClass, plain: unknown, path = ''): { path: string; problem: string }[] {
  if (!isRecord(plain)) return [];
  return Object.keys(plain).flatMap((key) => {
    const section = nestedSectionOf(cls, key);
    if (!section) return [];
    const keyPath = childPath(path, key);
    const value = plain[key];
    if (!section.list && Array.isArray(value)) return [{ path: keyPath, problem: `${keyPath}: must be ${A_SECTION}, got a list` }];
    if (section.list && isRecord(value)) return [{ path: keyPath, problem: `${keyPath}: must be a list, got ${A_SECTION}` }];
    if (!section.list) return swappedSectionsAndLists(section.cls, value, keyPath);
    return Array.isArray(value) ? value.flatMap((entry, index) => swappedSectionsAndLists(section.cls, entry, `${keyPath}[${index}]`)) : [];
  });
}

/** How a value is named in a message: `the string "often"`, `the number 1.5`, `a list`. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'an empty value';
  if (typeof value === 'string') {
    const shown = value.length > MAX_SHOWN_STRING ? `${value.slice(0, MAX_SHOWN_STRING)}…` : value;
    return `the string ${JSON.stringify(shown)}`;
  }
  if (typeof value === 'number' || typeof value === 'bigint') return `the number ${value}`;
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? A_SECTION : `a ${typeof value}`;
}

function ownProblems(error: ValidationError, path: string): string[] {
  const constraints = error.constraints ?? {};
  if ('whitelistValidation' in constraints) return [unknownKey(error, path)];
  const typeCheck = TYPE_CHECKS.find((check) => check.constraint in constraints);
  if (typeCheck) return typeProblems(error, path, typeCheck);
  return Object.values(constraints).map((message) => `${path}: ${withoutSubject(message, error.property)}`);
}

function unknownKey(error: ValidationError, path: string): string {
  const known = isRecord(error.target) ? [...validatedProperties(error.target.constructor as ConfigClass).keys()] : [];
  const suggestion = closestName(error.property, known);
  return suggestion ? `${path}: unknown key, did you mean ${suggestion}?` : `${path}: unknown key`;
}

function typeProblems(error: ValidationError, path: string, check: TypeCheck): string[] {
  if (appliesToEachEntry(error, check)) {
    if (!Array.isArray(error.value)) return [`${path}: must be a list, got ${describeValue(error.value)}`];
    return error.value.flatMap((entry: unknown, index) => (check.accepts(entry) ? [] : [`${path}[${index}]: must be ${check.expected}, got ${describeValue(entry)}`]));
  }
  return [`${path}: must be ${check.expected}, got ${describeValue(error.value)}`];
}

function appliesToEachEntry(error: ValidationError, check: TypeCheck): boolean {
  if (!isRecord(error.target)) return false;
  const cls = error.target.constructor as ConfigClass;
  const metadata = validatedProperties(cls).get(error.property) ?? [];
  if (check.constraint === 'nestedValidation') return nestedSectionOf(cls, error.property)?.list ?? false;
  return metadata.some((m) => constraintName(m) === check.constraint && m.each);
}

/** class-validator messages start with the property name ("each value in <name>"); the path already says it. */
function withoutSubject(message: string, property: string): string {
  if (message.startsWith(`${property} `)) return message.slice(property.length + 1);
  if (message.startsWith(`each value in ${property} `)) return `each entry ${message.slice(`each value in ${property} `.length)}`;
  return message;
}

function childPath(parent: string, property: string): string {
  if (/^\d+$/.test(property)) return `${parent}[${property}]`;
  return parent ? `${parent}.${property}` : property;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
