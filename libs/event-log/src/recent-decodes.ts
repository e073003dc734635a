import { keepNewest } from '@jarvis/ordered-maps';

/**
 * The last decodings of stream messages, by sequence. Every durable of a process receives each event; decoding and
 * validating it is most of the CPU a delivery costs, and a stored message never changes, so the first consumer's
 * result serves the others. Holds only what it is given (the caller decides what is worth keeping).
 */
export class RecentDecodes<T> {
  private readonly bySeq = new Map<number, T>();

  constructor(private readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity: must be a positive integer, got ${capacity}`);
  }

  decode(seq: number, decodeNow: () => T, keep: (decoded: T) => boolean): T {
    const known = this.bySeq.get(seq);
    if (known !== undefined) return known;
    const decoded = decodeNow();
    if (keep(decoded)) this.remember(seq, decoded);
    return decoded;
  }

  get size(): number {
    return this.bySeq.size;
  }

  private remember(seq: number, decoded: T): void {
    this.bySeq.set(seq, decoded);
    keepNewest(this.bySeq, this.capacity);
  }
}
