import type { DdclientConfig } from '@jarvis/config';
import type { DdclientPort, DdclientPublications } from './ddclient-port.js';

/**
 * Whether every host was published at or after `since`. ddclient's `mtime` counts whole seconds, so a publication in
 * `since`'s own second counts: the decision was taken on a failed reading, and a success in that second is the fix
 * or one like it, either way the record is published now. No host, or an unreadable cache, is not done.
 */
export function publishedEverySince(publications: DdclientPublications, since: Date): boolean {
  if ('unreadable' in publications || publications.hosts.length === 0) return false;
  const sinceSecondMs = Math.floor(since.getTime() / 1000) * 1000;
  return publications.hosts.every((h) => h.publishedAt !== null && h.publishedAt.getTime() >= sinceSecondMs);
}

/**
 * What a forced ddclient update leaves behind, for an executor resuming an interrupted run. A cache or config that
 * cannot be read (even by a failing read) is not done: the executor then waits out the deadline and runs it again.
 */
export async function ddclientPublishedSince(ddclient: DdclientConfig | undefined, port: DdclientPort, since: Date, timeoutMs: number): Promise<boolean> {
  if (!ddclient) return false;
  try {
    return publishedEverySince(await port.lastPublished(ddclient, AbortSignal.timeout(timeoutMs)), since);
  } catch {
    return false;
  }
}
