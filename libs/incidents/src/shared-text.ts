/** How many distinct texts a pool holds before it starts afresh: enough for every recurring summary of a fleet. */
const POOL_LIMIT = 4096;

/**
 * One string for each text seen recently. Incident books keep a week of timelines, and most summaries repeat (the
 * same check failing the same way, the same action succeeding): kept once, they cost the entry a reference
 * instead of a string of its own, which a replay would otherwise copy through two young-generation collections.
 * Texts seen once (an expiry time, an error message) come and go; once full, the pool starts afresh.
 */
export class SharedText {
  private readonly pool = new Map<string, string>();

  constructor(private readonly limit = POOL_LIMIT) {}

  of(text: string): string {
    const known = this.pool.get(text);
    if (known !== undefined) return known;
    if (this.pool.size >= this.limit) this.pool.clear();
    this.pool.set(text, text);
    return text;
  }
}
