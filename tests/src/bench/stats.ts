/** Small statistics and time helpers for the healing benchmark. Nothing here asserts anything. */

export type Summary = { n: number; min: number; p50: number; p95: number; max: number; mean: number };

/** Nearest-rank percentile (p in 0..1) of an ascending array: the smallest value with at least p of the samples at or below it. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

export function summarize(values: readonly (number | undefined)[]): Summary {
  const sorted = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return { n: 0, min: NaN, p50: NaN, p95: NaN, max: NaN, mean: NaN };
  return {
    n: sorted.length,
    min: sorted[0]!,
    p50: percentile(sorted, 0.5),
    p95: percentile(sorted, 0.95),
    max: sorted[sorted.length - 1]!,
    mean: sorted.reduce((a, b) => a + b, 0) / sorted.length,
  };
}

/** Milliseconds as seconds with three decimals ("0.123 s"); "–" when there is no value. */
export function seconds(ms: number | undefined): string {
  return typeof ms === 'number' && Number.isFinite(ms) ? `${(ms / 1000).toFixed(3)} s` : '–';
}

export function ratio(a: number, b: number): string {
  return Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}×` : '–';
}

/**
 * Docker's RFC 3339 timestamps carry nanoseconds; Date.parse keeps only milliseconds. This keeps the fraction, so the
 * result is a (fractional) millisecond epoch time. Docker's zero time ("0001-01-01T00:00:00Z") gives NaN.
 */
export function parseDockerTime(value: string | undefined | null): number {
  if (!value || value.startsWith('0001-01-01')) return NaN;
  const match = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)$/.exec(value);
  if (!match) return Date.parse(value);
  const whole = Date.parse(`${match[1]}${match[3]}`);
  return whole + (match[2] ? Number(`0${match[2]}`) * 1000 : 0);
}

export function mib(kib: number): string {
  return `${(kib / 1024).toFixed(1)} MiB`;
}
