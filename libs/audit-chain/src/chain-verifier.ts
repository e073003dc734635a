import { eventDigest, genesisLink, indexDigest, nextLink, type ChainRecord } from './chain-link.js';
import { checkpointDigest, coveredEntries, type Checkpoint } from './checkpoint.js';
import { checkTrail, type StoredCheckpoint, type TrailFinding } from './checkpoint-trail.js';

export type FindingKind = 'modified' | 'deleted' | 'inserted' | 'reordered' | 'checkpoint-modified' | TrailFinding['kind'];

/** The first position where the log differs from what the checkpoints assert. */
export type Finding = { kind: FindingKind; stream: 'events' | 'checkpoints'; seq: number; detail: string };

export type VerifyOptions = {
  stream: string;
  checkpoints: readonly StoredCheckpoint[];
  checkpointLastSeq: number;
  /** The event stream's first and last sequence now. */
  firstSeq: number;
  lastSeq: number;
  retention: boolean;
  key?: Uint8Array;
};

export type VerifyCounts = {
  /** Events compared with a checkpoint and found as written. */
  verified: number;
  checkpoints: number;
  /** Events covered by checkpoints that retention has removed since. */
  beforeHorizon: number;
  /** Events after the last checkpoint: checked for gaps only, until the next checkpoint covers them. */
  uncheckpointed: number;
  /** `checkpointDigest` of the last checkpoint: kept elsewhere, it pins the whole history. */
  head: string;
};

export type VerifyReport = ({ ok: true } | { ok: false; finding: Finding }) & VerifyCounts;

type Cursor = { checkpoint: number; entries: Iterator<{ seq: number; digest: Buffer }>; next: { seq: number; digest: Buffer } | undefined; linkCheckable: boolean };

/** A mismatch at one sequence, classified once the rest of the log says whether the expected event is still there. */
type Mismatch = { seq: number; actual: Buffer; expected: Buffer; foundLater: boolean };

/**
 * Compares the event stream, read in order from its first retained sequence, with the checkpoints: each event's
 * digest with the one recorded for its sequence, each checkpoint's link with the chain recomputed over its range.
 */
export class ChainVerifier {
  private readonly checkpoints: Checkpoint[] = [];
  private readonly checkpointSeqs: number[] = [];
  private readonly counts: VerifyCounts;
  private finding: Finding | undefined;
  private mismatch: Mismatch | undefined;
  private cursor: Cursor | undefined;
  private link: Buffer;
  private lastRead = 0;

  constructor(private readonly options: VerifyOptions) {
    this.link = genesisLink(options.stream);
    const trail = checkTrail(options.checkpoints, options);
    this.counts = { verified: 0, checkpoints: 0, beforeHorizon: 0, uncheckpointed: 0, head: this.link.toString('hex') };
    if (!trail.ok) {
      this.finding = trail.finding;
      return;
    }
    this.checkpoints = trail.checkpoints;
    this.checkpointSeqs = trail.seqs;
    this.counts.checkpoints = trail.checkpoints.length;
    const last = trail.checkpoints.at(-1);
    if (last) this.counts.head = checkpointDigest(last);
    this.openCheckpoint(0);
    this.skipBeforeHorizon();
  }

  /** Nothing more to learn from reading on. */
  settled(): boolean {
    return this.finding !== undefined || this.mismatch?.foundLater === true;
  }

  push(record: ChainRecord): void {
    if (this.finding) return;
    if (this.mismatch) {
      if (indexDigest(eventDigest(record)).equals(this.mismatch.expected)) this.mismatch.foundLater = true;
      return;
    }
    if (record.seq <= this.lastRead) return this.found('reordered', record.seq, `seq ${record.seq} comes after seq ${this.lastRead}`);
    const expected = this.cursor?.next;
    if (!expected) return this.tail(record);
    this.lastRead = record.seq;
    if (record.seq > expected.seq) return this.found('deleted', expected.seq, `no message at seq ${expected.seq}, which ${this.covering()} covers`);
    if (record.seq < expected.seq) return this.found('inserted', record.seq, `seq ${record.seq} is not among the sequences ${this.covering()} covers`);
    const digest = eventDigest(record);
    const actual = indexDigest(digest);
    if (!actual.equals(expected.digest)) {
      this.mismatch = { seq: record.seq, actual, expected: expected.digest, foundLater: false };
      return;
    }
    this.link = nextLink(this.link, record.seq, digest);
    this.counts.verified++;
    this.step();
  }

  finish(): VerifyReport {
    if (this.mismatch) this.finding = this.classify(this.mismatch);
    const next = this.cursor?.next;
    if (!this.finding && next) this.found('deleted', next.seq, `no message at seq ${next.seq} (the log ends at ${this.lastRead}), which ${this.covering()} covers`);
    if (!this.finding && this.options.lastSeq > this.lastRead && this.options.lastSeq >= this.options.firstSeq) {
      const seq = Math.max(this.lastRead + 1, this.options.firstSeq);
      this.found('deleted', seq, `no message at seq ${seq}, though the stream's last sequence is ${this.options.lastSeq}`);
    }
    return this.finding ? { ok: false, finding: this.finding, ...this.counts } : { ok: true, ...this.counts };
  }

  private tail(record: ChainRecord): void {
    const after = Math.max(this.lastRead, this.checkpoints.at(-1)?.lastSeq ?? 0, this.options.firstSeq - 1);
    this.lastRead = record.seq;
    if (record.seq !== after + 1) return this.found('deleted', after + 1, `no message at seq ${after + 1} (the next one is at seq ${record.seq})`);
    this.counts.uncheckpointed++;
  }

  private classify(m: Mismatch): Finding {
    const elsewhere = this.recordedAt(m.actual, m.seq);
    if (elsewhere === undefined) {
      return m.foundLater
        ? finding('inserted', m.seq, `an event no checkpoint knows stands at seq ${m.seq}, before the one recorded there`)
        : finding('modified', m.seq, `the message at seq ${m.seq} differs from the one recorded there`);
    }
    return m.foundLater
      ? finding('reordered', m.seq, `seq ${m.seq} holds the event recorded at seq ${elsewhere}; the event recorded at ${m.seq} comes later`)
      : finding('deleted', m.seq, `the event recorded at seq ${m.seq} is gone; seq ${m.seq} holds the one recorded at seq ${elsewhere}`);
  }

  private recordedAt(digest: Buffer, except: number): number | undefined {
    for (const checkpoint of this.checkpoints) {
      for (const entry of coveredEntries(checkpoint)) if (entry.seq !== except && entry.digest.equals(digest)) return entry.seq;
    }
    return undefined;
  }

  /** Entries below the first retained sequence: retention's doing when the stream has a limit, a deletion otherwise. */
  private skipBeforeHorizon(): void {
    while (this.cursor?.next && this.cursor.next.seq < this.options.firstSeq) {
      if (!this.options.retention) return this.found('deleted', this.cursor.next.seq, `no message at seq ${this.cursor.next.seq}: the stream starts at ${this.options.firstSeq} and has no retention limit`);
      this.counts.beforeHorizon++;
      this.cursor.linkCheckable = false;
      this.step();
    }
  }

  private step(): void {
    const cursor = this.cursor!;
    cursor.next = nextOf(cursor.entries);
    if (cursor.next) return;
    const checkpoint = this.checkpoints[cursor.checkpoint]!;
    if (cursor.linkCheckable && this.link.toString('hex') !== checkpoint.link) {
      return this.found('checkpoint-modified', this.checkpointSeqs[cursor.checkpoint]!, `link: every event matches its digest but not the recorded link at seq ${checkpoint.lastSeq}`, 'checkpoints');
    }
    this.link = Buffer.from(checkpoint.link, 'hex');
    this.lastRead = Math.max(this.lastRead, checkpoint.lastSeq);
    this.openCheckpoint(cursor.checkpoint + 1);
  }

  private openCheckpoint(index: number): void {
    const checkpoint = this.checkpoints[index];
    if (!checkpoint) {
      if (this.cursor) this.cursor.next = undefined;
      return;
    }
    const entries = coveredEntries(checkpoint);
    this.cursor = { checkpoint: index, entries, next: nextOf(entries), linkCheckable: true };
    if (!this.cursor.next) this.step();
  }

  private covering(): string {
    const index = this.cursor?.checkpoint ?? 0;
    return `checkpoint #${this.checkpoints[index]?.index ?? '?'} (seq ${this.checkpointSeqs[index] ?? '?'})`;
  }

  private found(kind: FindingKind, seq: number, detail: string, stream: Finding['stream'] = 'events'): void {
    this.finding ??= { kind, stream, seq, detail };
  }
}

function nextOf<T>(iterator: Iterator<T>): T | undefined {
  const next = iterator.next();
  return next.done ? undefined : next.value;
}

function finding(kind: FindingKind, seq: number, detail: string): Finding {
  return { kind, stream: 'events', seq, detail };
}
