import type { StoredMessage } from '@jarvis/event-log';
import type { IncidentBookLimits, TimeSavedEstimates } from '@jarvis/incidents';
import type { ReplayFigures } from './replay-fold.js';

/**
 * A batch of stored messages as one transfer to the fold's thread: every message's bytes back to back in one buffer,
 * where each ends, and its subject. Handing the buffers over moves them; sending the messages themselves would copy
 * each into a structured clone of its own.
 */
export type PackedBatch = { kind: 'batch'; subjects: string[]; bytes: Uint8Array<ArrayBuffer>; ends: Uint32Array<ArrayBuffer> };

export type ToReplayFold = PackedBatch | { kind: 'figures'; nowMs: number; estimates: TimeSavedEstimates };

export type FromReplayFold = { kind: 'folded'; events: number; invalid: number } | { kind: 'figures'; figures: ReplayFigures };

export type ReplayFoldData = { limits: IncidentBookLimits };

/** Reads each message's `data` once: a delivery with headers makes a new view of its bytes at every read. */
export function packBatch(batch: readonly StoredMessage[]): PackedBatch {
  const datas = batch.map((message) => message.data);
  const ends = new Uint32Array(batch.length);
  let at = 0;
  for (let i = 0; i < datas.length; i += 1) {
    at += datas[i]!.length;
    ends[i] = at;
  }
  const bytes = new Uint8Array(at);
  datas.forEach((data, i) => bytes.set(data, ends[i]! - data.length));
  return { kind: 'batch', subjects: batch.map((message) => message.subject), bytes, ends };
}

/** Each message of a packed batch, in order: its subject and a view of its bytes. */
export function unpackBatch({ subjects, bytes, ends }: PackedBatch, each: (subject: string, data: Uint8Array) => void): void {
  let start = 0;
  for (let i = 0; i < ends.length; i += 1) {
    each(subjects[i]!, bytes.subarray(start, ends[i]));
    start = ends[i]!;
  }
}
