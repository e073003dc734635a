/** Shortcuts in front of general rules: the one form Jarvis itself writes, recognised cheaply; anything else goes to the rule. */

/**
 * `Date#toISOString`'s own form of a real instant, what every event time is: valid under every `@IsISO8601` option,
 * and several times cheaper to recognise than the general rule, which still judges anything else. Years 0–99 are
 * left to it: its strict check reads them as 1900–1999 and refuses some.
 */
export function isCanonicalInstant(value: unknown): boolean {
  return typeof value === 'string' && !(value.charCodeAt(0) === 48 && value.charCodeAt(1) === 48) && !Number.isNaN(canonicalInstantMs(value));
}

/**
 * A lower-case RFC 9562 UUID of versions 1 to 8, what `randomUUID` and the derived ids write: valid under `@IsUUID()`
 * (validator's `all`, which also takes upper case, nil and max, left to it). It reads
 * `^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$` without running it: an event holds
 * several ids, and that pattern took about twice as long.
 */
export function isCanonicalUuid(value: unknown): boolean {
  if (typeof value !== 'string' || value.length !== 36) return false;
  if (value.charCodeAt(8) !== 45 || value.charCodeAt(13) !== 45 || value.charCodeAt(18) !== 45 || value.charCodeAt(23) !== 45) return false;
  const version = value.charCodeAt(14);
  const variant = value.charCodeAt(19);
  if (version < 49 || version > 56 || !(variant === 56 || variant === 57 || variant === 97 || variant === 98)) return false;
  return isLowerHex(value, 0, 8) && isLowerHex(value, 9, 13) && isLowerHex(value, 15, 18) && isLowerHex(value, 20, 23) && isLowerHex(value, 24, 36);
}

/** 1 at the char codes of `0-9a-f`. */
const LOWER_HEX = new Uint8Array(128).map((_, code) => (/[0-9a-f]/.test(String.fromCharCode(code)) ? 1 : 0));

function isLowerHex(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i += 1) {
    const code = text.charCodeAt(i);
    if (code > 127 || LOWER_HEX[code] === 0) return false;
  }
  return true;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

const MS_PER_DAY = 86_400_000;

/**
 * `Date.parse(text)`, read by arithmetic when the text is an instant in `Date#toISOString`'s form (what every event
 * time is): folds parse several times per event, and `Date.parse` was a tenth of a replay.
 */
export function instantMs(text: string): number {
  const ms = canonicalInstantMs(text);
  return Number.isNaN(ms) ? Date.parse(text) : ms;
}

/** The time `YYYY-MM-DDTHH:MM:SS.sssZ` names, in ms since the epoch; NaN for anything else, an impossible date too. */
function canonicalInstantMs(text: string): number {
  if (text === lastRead.text) return lastRead.ms;
  const ms = readInstantMs(text);
  lastRead.text = text;
  lastRead.ms = ms;
  return ms;
}

/** An event's time is read when it is decoded and again by each fold: the last answer is kept for the next. */
const lastRead = { text: '', ms: NaN };

function readInstantMs(text: string): number {
  if (text.length !== 24 || !hasInstantSeparators(text)) return NaN;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  const ms = digits(text, 20, 3);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 || ms < 0) {
    return NaN;
  }
  return daysFromCivil(year, month, day) * MS_PER_DAY + ((hour * 60 + minute) * 60 + second) * 1000 + ms;
}

/** `-`, `-`, `T`, `:`, `:`, `.` and `Z` where `YYYY-MM-DDTHH:MM:SS.sssZ` has them. */
function hasInstantSeparators(text: string): boolean {
  return (
    text.charCodeAt(4) === 45 &&
    text.charCodeAt(7) === 45 &&
    text.charCodeAt(10) === 84 &&
    text.charCodeAt(13) === 58 &&
    text.charCodeAt(16) === 58 &&
    text.charCodeAt(19) === 46 &&
    text.charCodeAt(23) === 90
  );
}

/** The decimal number written at `from`, -1 when a character there is not a digit. */
function digits(text: string, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i += 1) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    n = n * 10 + digit;
  }
  return n;
}

function daysIn(year: number, month: number): number {
  if (month !== 2) return DAYS_IN_MONTH[month - 1]!;
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
}

/** Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's algorithm); every year literal, 0–99 too. */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}
