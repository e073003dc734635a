/**
 * When each scheduled probe first runs after a start: spread evenly over its own interval, in the order given, the
 * first at once. Every later slot keeps that phase, so a thousand probes of one interval start a steady few at a
 * time instead of all together in each round (the scheduler's jitter spreads a round over only a tenth of it).
 */
export function firstRunDelays(intervalsMs: readonly number[]): number[] {
  return intervalsMs.map((intervalMs, index) => Math.floor((intervalMs * index) / intervalsMs.length));
}
