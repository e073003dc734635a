import { decodeEvent, newerSchemaOf, subjectOf, type JarvisEvent } from '@jarvis/contracts';
import type { Undecodable } from './event-log.js';

/**
 * A stored message as every reader of the log judges it, live or replaying: decoded and validated, and refused when
 * its type belongs on another subject (forged or misrouted), so a replay skips exactly what the live consumers skip.
 */
export function decodeStoredMessage(subject: string, data: Uint8Array): { ok: true; event: JarvisEvent } | Undecodable {
  const decoded = decodeEvent(data);
  if (!decoded.ok) {
    const newer = newerSchemaOf(data);
    return newer ? { ok: false, errors: decoded.errors, newer } : { ok: false, errors: decoded.errors };
  }
  const expected = subjectOf(decoded.value.type);
  if (subject !== expected) return { ok: false, errors: [`type: ${decoded.value.type} published on subject ${subject}, belongs on ${expected}`] };
  return { ok: true, event: decoded.value };
}
