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

export function packBatch(batch: readonly StoredMessage[]): PackedBatch {
  let size = 0;
  for (const message of batch) size += message.data.length;
  const bytes = new Uint8Array(size);
  const ends = new Uint32Array(batch.length);
  const subjects = new Array<string>(batch.length);
  let at = 0;
  for (let i = 0; i < batch.length; i += 1) {
    const message = batch[i]!;
    bytes.set(message.data, at);
    at += message.data.length;
    ends[i] = at;
    subjects[i] = message.subject;
  }
  return { kind: 'batch', subjects, bytes, ends };
}

/** Each message of a packed batch, in order: its subject and a view of its bytes. */
export function unpackBatch({ subjects, bytes, ends }: PackedBatch, each: (subject: string, data: Uint8Array) => void): void {
  let start = 0;
  for (let i = 0; i < ends.length; i += 1) {
    each(subjects[i]!, bytes.subarray(start, ends[i]));
    start = ends[i]!;
  }
}
