export type ProbeLagSummary = { runs: number; p50Ms: number; p99Ms: number; maxMs: number };

/**
 * Scheduling lag (a run's start minus its planned time: timer delay plus queueing) of the latest runs, for the
 * monitor's health details. A fixed window, so its percentiles speak of the last minutes, not of the start-up.
 */
export class ProbeLagWindow {
  private readonly lags: Float64Array;
  private filled = 0;
  private next = 0;

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`size: must be a positive integer, not ${size}`);
    this.lags = new Float64Array(size);
  }

  record(lagMs: number): void {
    this.lags[this.next] = Math.max(0, lagMs);
    this.next = (this.next + 1) % this.size;
    this.filled = Math.min(this.filled + 1, this.size);
  }

  /** Nearest-rank percentiles over the window; null before the first run. */
  summary(): ProbeLagSummary | null {
    if (this.filled === 0) return null;
    const sorted = this.lags.slice(0, this.filled).sort();
    const rank = (p: number) => sorted[Math.max(1, Math.ceil(p * this.filled)) - 1]!;
    return { runs: this.filled, p50Ms: rank(0.5), p99Ms: rank(0.99), maxMs: sorted[this.filled - 1]! };
  }
}
