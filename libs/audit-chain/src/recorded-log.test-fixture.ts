import { containerTarget, createEvent, derivedId, encodeEvent, subjectOf, type JarvisEvent } from '@jarvis/contracts';
import type { ChainRecord } from './chain-link.js';
import { encodeCheckpoint, type Checkpoint } from './checkpoint.js';
import { chainHeadAfter, CheckpointCutter } from './checkpoint-cutter.js';
import type { StoredCheckpoint } from './checkpoint-trail.js';

export const STREAM = 'JARVIS_EVENTS';
const START = Date.parse('2026-11-01T00:00:00Z');

/** Valid events of a container's incidents, as the services would record them, with ids derived from `seed`. */
export function recordedEvents(count: number, seed: string): ChainRecord[] {
  return Array.from({ length: count }, (_, i) => toRecord(i + 1, eventAt(i, seed)));
}

export function toRecord(seq: number, event: JarvisEvent): ChainRecord {
  return { seq, subject: subjectOf(event.type), msgId: event.id, eventType: event.type, data: encodeEvent(event) };
}

function eventAt(i: number, seed: string): JarvisEvent {
  const name = `app-${i % 7}`;
  const time = new Date(START + i * 1000).toISOString();
  const incident = derivedId(seed, 'incident', String(Math.floor(i / 3)));
  const envelope = { id: derivedId(seed, String(i)), source: 'monitor' as const, time, subject: `container:${name}`, correlationId: incident, causationId: null };
  if (i % 3 === 0) {
    return createEvent({ ...envelope, type: 'DetectionRecorded', data: { target: containerTarget(name), check: 'container_state', status: 'failed', reason: `exited with code ${i % 5}`, faultAt: time } });
  }
  if (i % 3 === 1) {
    return createEvent({ ...envelope, type: 'IncidentOpened', data: { target: containerTarget(name), check: 'container_state', detectionId: derivedId(seed, String(i - 1)), faultAt: time, summary: 'exited' } });
  }
  return createEvent({ ...envelope, type: 'IncidentResolved', data: { target: containerTarget(name), resolution: 'recovered', reason: 'running again' } });
}

/** Checkpoints every `everyEvents` records, as the audit service writes them, the last one at the log's end. */
export function checkpointsOf(records: readonly ChainRecord[], everyEvents: number, key?: Uint8Array): Checkpoint[] {
  const cutter = new CheckpointCutter(chainHeadAfter(STREAM, undefined, new Date(START)), { everyEvents, everySeconds: 3600 }, key);
  cutter.begin(1);
  const checkpoints: Checkpoint[] = [];
  for (const record of records) {
    cutter.add(record);
    const now = new Date(START + record.seq * 1000);
    if (cutter.due(now)) checkpoints.push(stored(cutter, now));
  }
  if (cutter.pending() > 0) checkpoints.push(stored(cutter, new Date(START + records.length * 1000 + 1)));
  return checkpoints;
}

function stored(cutter: CheckpointCutter, now: Date): Checkpoint {
  const checkpoint = cutter.cut(now);
  cutter.advance(checkpoint);
  return checkpoint;
}

export function storedCheckpoints(checkpoints: readonly Checkpoint[]): StoredCheckpoint[] {
  return checkpoints.map((checkpoint, i) => ({ seq: i + 1, data: encodeCheckpoint(checkpoint) }));
}
