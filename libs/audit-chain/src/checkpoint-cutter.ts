import { eventDigest, genesisLink, indexDigest, nextLink, type ChainRecord } from './chain-link.js';
import { CHECKPOINT_VERSION, checkpointDigest, signCheckpoint, type Checkpoint } from './checkpoint.js';

/** Where the chain stands after the latest stored checkpoint. */
export type ChainHead = {
  stream: string;
  index: number;
  lastSeq: number;
  link: Buffer;
  /** `checkpointDigest` of the latest checkpoint; the genesis link for none. */
  digest: string;
  /** When the latest checkpoint was written; for none, when the writer started. */
  since: Date;
};

export type CheckpointPolicy = { everyEvents: number; everySeconds: number };

/** The head after `latest`, or the genesis head of a stream that has no checkpoint yet. */
export function chainHeadAfter(stream: string, latest: Checkpoint | undefined, now: Date): ChainHead {
  if (!latest) {
    const genesis = genesisLink(stream);
    return { stream, index: 0, lastSeq: 0, link: genesis, digest: genesis.toString('hex'), since: now };
  }
  return { stream, index: latest.index, lastSeq: latest.lastSeq, link: Buffer.from(latest.link, 'hex'), digest: checkpointDigest(latest), since: new Date(latest.writtenAt) };
}

/**
 * Folds the stream's records into the chain after a head and cuts the next checkpoint when `everyEvents` records
 * are pending or `everySeconds` have passed with at least one. The caller stores the checkpoint, then `advance`s:
 * what is not stored is cut again, the same, from the same records.
 */
export class CheckpointCutter {
  private head: ChainHead;
  private firstSeq = 0;
  private nextSeq = 0;
  private link: Buffer;
  private digests: Buffer[] = [];
  private missing: number[] = [];

  constructor(
    head: ChainHead,
    private readonly policy: CheckpointPolicy,
    private readonly key?: Uint8Array,
  ) {
    this.head = head;
    this.link = head.link;
  }

  /** The sequence to read from: after the head, or the first one retention kept. */
  begin(firstRetainedSeq: number): number {
    this.firstSeq = Math.max(this.head.lastSeq + 1, firstRetainedSeq);
    this.nextSeq = this.firstSeq;
    this.link = this.head.link;
    this.digests = [];
    this.missing = [];
    return this.firstSeq;
  }

  /** Records come in stream order; a sequence skipped on the way held no message when read. */
  add(record: ChainRecord): void {
    if (record.seq < this.nextSeq) throw new Error(`seq: ${record.seq} read again after ${this.nextSeq - 1}`);
    for (let seq = this.nextSeq; seq < record.seq; seq++) this.missing.push(seq);
    const digest = eventDigest(record);
    this.link = nextLink(this.link, record.seq, digest);
    this.digests.push(indexDigest(digest));
    this.nextSeq = record.seq + 1;
  }

  pending(): number {
    return this.digests.length;
  }

  /** As many records pending as a checkpoint takes: cut now, whatever else is still to read. */
  full(): boolean {
    return this.digests.length >= this.policy.everyEvents;
  }

  /** Full, or the interval has passed with at least one record pending. */
  due(now: Date): boolean {
    if (this.digests.length === 0) return false;
    return this.digests.length >= this.policy.everyEvents || now.getTime() - this.head.since.getTime() >= this.policy.everySeconds * 1000;
  }

  cut(now: Date): Checkpoint {
    const checkpoint: Checkpoint = {
      version: CHECKPOINT_VERSION,
      stream: this.head.stream,
      index: this.head.index + 1,
      firstSeq: this.firstSeq,
      lastSeq: this.nextSeq - 1,
      count: this.digests.length,
      missing: [...this.missing],
      link: this.link.toString('hex'),
      digests: Buffer.concat(this.digests).toString('base64'),
      previous: this.head.digest,
      writtenAt: now.toISOString(),
    };
    return this.key ? signCheckpoint(checkpoint, this.key) : checkpoint;
  }

  /** The checkpoint is stored: it becomes the head and the next one starts after it. */
  advance(stored: Checkpoint): void {
    this.head = chainHeadAfter(this.head.stream, stored, new Date(stored.writtenAt));
    this.firstSeq = stored.lastSeq + 1;
    this.nextSeq = this.firstSeq;
    this.digests = [];
    this.missing = [];
  }

  current(): ChainHead {
    return this.head;
  }
}
