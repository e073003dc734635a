/** A deterministic generator (mulberry32): a run printed with its seed can be replayed with the same choices. */
export type SeededRandom = {
  /** In [0, 1). */
  next(): number;
  /** An integer in [from, to). */
  between(from: number, to: number): number;
  pick<T>(items: readonly T[]): T;
};

export function seededRandom(seed: number): SeededRandom {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const between = (from: number, to: number): number => from + Math.floor(next() * (to - from));
  return {
    next,
    between,
    pick: (items) => {
      if (items.length === 0) throw new Error('nothing to pick from');
      return items[between(0, items.length)]!;
    },
  };
}

/** The seed of this run: `JARVIS_TEST_SEED` to replay a printed one, otherwise a fresh one. */
export function seedFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const given = env['JARVIS_TEST_SEED'];
  if (given === undefined || given === '') return Math.floor(Math.random() * 2 ** 32);
  const seed = Number(given);
  if (!Number.isInteger(seed) || seed < 0 || seed >= 2 ** 32) throw new Error(`JARVIS_TEST_SEED: "${given}" is not an integer in [0, 2^32)`);
  return seed;
}
