/** The delivery is the next message to hand on. */
export const NEXT = { kind: 'next' } as const;
/** The delivery was handed on already: a restarted server resumed the consumer from an older saved state. */
export const AGAIN = { kind: 'again' } as const;
/** Deliveries were lost before this one: the messages stored at `from..to` are to be read by sequence first. */
export type AfterLoss = { kind: 'after-loss'; from: number; to: number };
export type Continuity = typeof NEXT | typeof AGAIN | AfterLoss;

/**
 * Keeps what a reader consumer hands on complete and in order. A reader acknowledges nothing, so the server never
 * redelivers: messages it had sent when the connection dropped (nats-server killed, a reconnect) are gone from the
 * consumer, and one restarted from a saved state may send some again. The consumer numbers its deliveries one by
 * one; a jump in that number with a jump in the stream sequence means lost deliveries, while a jump in the stream
 * sequence alone is a message that is not stored (deleted, or purged before the read).
 */
export class ReaderContinuity {
  private nextSeq: number;
  private nextDelivery = 1;

  constructor(fromSeq: number) {
    this.nextSeq = Math.max(1, fromSeq);
  }

  /** The stream sequence handed on next, at the earliest. */
  get next(): number {
    return this.nextSeq;
  }

  /**
   * Judges one delivery and counts it as handed on, unless it was already: the caller hands on the lost range
   * first, then the delivery. Any break in the delivery numbers counts as a loss, even backwards (a consumer state
   * older than what was read, then newer messages): reading a range that holds no message only costs look-ups.
   */
  observe(seq: number, delivery: number): Continuity {
    const broken = delivery !== this.nextDelivery;
    this.nextDelivery = delivery + 1;
    if (seq < this.nextSeq) return AGAIN;
    const from = this.nextSeq;
    this.nextSeq = seq + 1;
    return broken && seq > from ? { kind: 'after-loss', from, to: seq - 1 } : NEXT;
  }
}
