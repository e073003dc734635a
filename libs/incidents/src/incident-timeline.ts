import type { JarvisEvent } from '@jarvis/contracts';
import { flatText } from './flat-text.js';

export type TimelineEntry = { id: string; type: JarvisEvent['type']; time: string; source: string; summary: string };

/**
 * An incident's timeline, capped so that a record always fits one NATS reply (1 MB by default): the first entries
 * (how it began) and the latest ones (where it stands), with a count of those left out between them.
 */
export type Timeline = { timeline: TimelineEntry[]; timelineOmitted: number };

export const TIMELINE_HEAD = 20;
export const TIMELINE_TAIL = 80;
/** Long error messages are cut: 100 entries of at most this many characters stay far below 1 MB. */
export const SUMMARY_MAX_CHARS = 2000;

/** Keeps `entry` itself (a fresh object from the caller) unless its summary must be cut: one object per event kept, not two made. */
export function appendToTimeline(record: Timeline, entry: TimelineEntry): void {
  const { summary } = entry;
  // Written whole (flatText): a slice would keep the long original alive with it.
  record.timeline.push(summary.length > SUMMARY_MAX_CHARS ? { ...entry, summary: flatText`${summary.slice(0, SUMMARY_MAX_CHARS - 1)}…` } : entry);
  if (record.timeline.length > TIMELINE_HEAD + TIMELINE_TAIL) {
    record.timeline.splice(TIMELINE_HEAD, 1);
    record.timelineOmitted += 1;
  }
}
