/** An inclusive range of HTTP status codes; a single code is a range of one. */
export type StatusRange = { readonly min: number; readonly max: number };

/** One entry of `expectStatus`: a code (`204`) or an inclusive range (`"200-399"`). */
export type ExpectedStatusEntry = number | string;

export const DEFAULT_EXPECTED_STATUS: readonly ExpectedStatusEntry[] = ['200-399'];

const RANGE = /^([1-5][0-9]{2})-([1-5][0-9]{2})$/;
const CODE = /^[1-5][0-9]{2}$/;

/** The range an entry stands for, or why it stands for none. */
export function parseStatusEntry(entry: unknown): StatusRange | string {
  if (typeof entry === 'number') {
    return Number.isInteger(entry) && entry >= 100 && entry <= 599 ? { min: entry, max: entry } : `${entry} is not a status code (100-599)`;
  }
  if (typeof entry !== 'string') return 'each entry must be a status code (200) or a range ("200-399")';
  if (CODE.test(entry)) return { min: Number(entry), max: Number(entry) };
  const range = RANGE.exec(entry);
  if (!range) return `"${entry.slice(0, 40)}" is neither a status code (200) nor a range ("200-399")`;
  const min = Number(range[1]);
  const max = Number(range[2]);
  return min <= max ? { min, max } : `"${entry}" ends below its start`;
}

/** The ranges of a validated `expectStatus`; an invalid entry here is a programming error (config validates first). */
export function parseExpectedStatus(entries: readonly ExpectedStatusEntry[]): StatusRange[] {
  return entries.map((entry) => {
    const range = parseStatusEntry(entry);
    if (typeof range === 'string') throw new TypeError(`expectStatus: ${range}`);
    return range;
  });
}

export function statusExpected(status: number, ranges: readonly StatusRange[]): boolean {
  return ranges.some((range) => status >= range.min && status <= range.max);
}

/** `200-399`, `200, 204`: how a reason names what was expected. */
export function describeExpectedStatus(ranges: readonly StatusRange[]): string {
  return ranges.map((range) => (range.min === range.max ? `${range.min}` : `${range.min}-${range.max}`)).join(', ');
}
