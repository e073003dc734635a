import { genesisLink } from './chain-link.js';
import { checkpointDigest, decodeCheckpoint, macMatches, type Checkpoint } from './checkpoint.js';

/** One message of the checkpoint stream as stored. */
export type StoredCheckpoint = { seq: number; data: Uint8Array };

export type TrailFindingKind = 'checkpoint-deleted' | 'checkpoint-malformed' | 'checkpoint-forged' | 'checkpoint-chain-broken' | 'deleted';

export type TrailFinding = { kind: TrailFindingKind; stream: 'checkpoints' | 'events'; seq: number; detail: string };

export type TrailOptions = {
  stream: string;
  /** The checkpoint stream's last sequence: a message missing at its end is a deletion too. */
  checkpointLastSeq: number;
  /** Whether the event stream has a retention limit: then events may lawfully be gone before a checkpoint's range. */
  retention: boolean;
  key?: Uint8Array;
};

export type Trail = { ok: true; checkpoints: Checkpoint[]; seqs: number[] } | { ok: false; finding: TrailFinding };

/**
 * Checks the checkpoints among themselves: none missing from their stream, each well formed, signed when a key is
 * given, each naming the digest of the one before, and their ranges following each other.
 */
export function checkTrail(stored: readonly StoredCheckpoint[], options: TrailOptions): Trail {
  const checkpoints: Checkpoint[] = [];
  const seqs: number[] = [];
  let previousDigest = genesisLink(options.stream).toString('hex');
  let previous: { checkpoint: Checkpoint; seq: number } | undefined;
  for (const [i, message] of stored.entries()) {
    if (message.seq !== i + 1) return fail('checkpoint-deleted', 'checkpoints', i + 1, `no checkpoint at seq ${i + 1} (the next one is at seq ${message.seq})`);
    const decoded = decodeCheckpoint(message.data);
    if (!decoded.ok) return fail('checkpoint-malformed', 'checkpoints', message.seq, decoded.errors.join('; '));
    const checkpoint = decoded.checkpoint;
    const problem = linkProblem(checkpoint, message.seq, previous, previousDigest, options);
    if (problem) return { ok: false, finding: problem };
    checkpoints.push(checkpoint);
    seqs.push(message.seq);
    previousDigest = checkpointDigest(checkpoint);
    previous = { checkpoint, seq: message.seq };
  }
  if (options.checkpointLastSeq > stored.length) {
    const seq = stored.length + 1;
    return fail('checkpoint-deleted', 'checkpoints', seq, `no checkpoint at seq ${seq}; the stream's last sequence is ${options.checkpointLastSeq}`);
  }
  return { ok: true, checkpoints, seqs };
}

function linkProblem(
  checkpoint: Checkpoint,
  seq: number,
  previous: { checkpoint: Checkpoint; seq: number } | undefined,
  previousDigest: string,
  options: TrailOptions,
): TrailFinding | undefined {
  if (checkpoint.stream !== options.stream) return finding('checkpoint-malformed', 'checkpoints', seq, `stream: names ${checkpoint.stream}, not ${options.stream}`);
  if (options.key && !macMatches(checkpoint, options.key)) {
    return finding('checkpoint-forged', 'checkpoints', seq, checkpoint.mac === undefined ? 'mac: missing, and a key was given' : 'mac: does not match the key (written by someone without it, or altered)');
  }
  const expectedIndex = (previous?.checkpoint.index ?? 0) + 1;
  if (checkpoint.previous !== previousDigest || checkpoint.index !== expectedIndex) {
    if (!previous) return finding('checkpoint-chain-broken', 'checkpoints', seq, 'the first checkpoint does not start from the genesis (index 1, previous = genesis link): it was altered');
    return finding('checkpoint-chain-broken', 'checkpoints', previous.seq, `the checkpoint at seq ${seq} does not follow this one: one of them was altered, or a checkpoint between them removed`);
  }
  const expectedFirst = (previous?.checkpoint.lastSeq ?? 0) + 1;
  if (checkpoint.firstSeq < expectedFirst) return finding('checkpoint-chain-broken', 'checkpoints', seq, `firstSeq: ${checkpoint.firstSeq} overlaps the previous checkpoint, which ends at ${expectedFirst - 1}`);
  if (checkpoint.firstSeq > expectedFirst && !options.retention) {
    return finding('deleted', 'events', expectedFirst, `events ${expectedFirst}..${checkpoint.firstSeq - 1} were gone before checkpoint #${checkpoint.index} was written, and the stream has no retention limit`);
  }
  const [gone] = checkpoint.missing;
  if (gone !== undefined) return finding('deleted', 'events', gone, `no message at seq ${gone}: it was already gone when checkpoint #${checkpoint.index} was written`);
  return undefined;
}

function finding(kind: TrailFindingKind, stream: TrailFinding['stream'], seq: number, detail: string): TrailFinding {
  return { kind, stream, seq, detail };
}

function fail(kind: TrailFindingKind, stream: TrailFinding['stream'], seq: number, detail: string): Trail {
  return { ok: false, finding: finding(kind, stream, seq, detail) };
}
