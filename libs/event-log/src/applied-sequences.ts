/**
 * Which stream sequences are already folded into a processor's state, in constant memory. A durable delivers new
 * messages in stream order, so everything up to `through` is in; a redelivery always has a sequence at or below it.
 * The processor's own appends are applied when the append returns, possibly before the stream reaches them: they
 * wait in `ahead` until their delivery comes and is skipped.
 */
export class AppliedSequences {
  private readonly ahead: Set<number>;

  constructor(
    private covered = 0,
    ahead: Iterable<number> = [],
  ) {
    this.ahead = new Set([...ahead].filter((seq) => seq > covered));
  }

  get through(): number {
    return this.covered;
  }

  /** Own appends applied beyond `through`. */
  aheadOfStream(): number[] {
    return [...this.ahead].sort((a, b) => a - b);
  }

  /** A stored or delivered event: true when it is new to the state and must be applied now. */
  admitStored(seq: number): boolean {
    if (seq <= this.covered) return false;
    const alreadyApplied = this.ahead.has(seq);
    this.covered = seq;
    for (const own of this.ahead) if (own <= seq) this.ahead.delete(own);
    return !alreadyApplied;
  }

  /** An event this processor has just appended: true when its delivery has not already applied it. */
  admitOwn(seq: number): boolean {
    if (seq <= this.covered || this.ahead.has(seq)) return false;
    this.ahead.add(seq);
    return true;
  }
}
