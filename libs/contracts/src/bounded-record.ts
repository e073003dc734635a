import { registerDecorator, type ValidationArguments } from 'class-validator';

const MAX_KEYS = 32;
const MAX_JSON_BYTES = 4096;
const KEY_PATTERN = /^[a-zA-Z][a-zA-Z0-9_]{0,63}$/;

/** Why `value` is not a small flat-enough JSON object with plain keys, or null when it is. */
export function boundedRecordError(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'must be an object';
  if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) return 'must be a plain object';
  const keys = Object.keys(value);
  if (keys.length > MAX_KEYS) return `must have at most ${MAX_KEYS} keys`;
  const badKey = keys.find((key) => !KEY_PATTERN.test(key));
  if (badKey !== undefined) return `key ${JSON.stringify(badKey)} must match ${KEY_PATTERN}`;
  const json = JSON.stringify(value);
  if (Buffer.byteLength(json) > MAX_JSON_BYTES) return `must be at most ${MAX_JSON_BYTES} bytes of JSON`;
  return null;
}

/**
 * Parameters and details cross the bus as data whose meaning only their action knows: here they are only bounded
 * (size, keys), so a message cannot carry a prototype key or an unbounded blob; the action validates the contents.
 */
export function IsBoundedRecord(what: string): PropertyDecorator {
  return (object, propertyName) =>
    registerDecorator({
      name: 'isBoundedRecord',
      target: object.constructor,
      propertyName: propertyName as string,
      validator: {
        validate: (value: unknown) => boundedRecordError(value) === null,
        defaultMessage: (args: ValidationArguments) => `${what} ${boundedRecordError(args.value) ?? 'is invalid'}`,
      },
    });
}
