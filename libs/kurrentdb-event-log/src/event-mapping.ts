import { decodeEvent, encodeEvent, newerSchemaOf, type JarvisEvent } from '@jarvis/contracts';
import type { AppendResult, StoredEvent, Undecodable } from '@jarvis/event-log';
import type { HeaderCarrier } from '@jarvis/telemetry';

/**
 * The event as KurrentDB stores it: the contracts' encoded bytes as binary data (so the stored bytes are exactly what
 * the codec wrote, as on JetStream, and what the audit hash chain hashes), the Jarvis event id as the KurrentDB event
 * id (the server's idempotency key), the Jarvis type as the KurrentDB event type, and the headers (event type, trace
 * context) as JSON metadata. Structurally the client's binary EventData.
 */
export type KurrentEventData = {
  id: string;
  contentType: 'application/octet-stream';
  type: string;
  data: Uint8Array;
  metadata: Uint8Array;
};

/** The fields of a recorded KurrentDB event this adapter reads. */
export type KurrentRecorded = { revision: bigint; type: string; data: unknown; metadata: unknown };

export function toEventData(event: JarvisEvent, headers: ReadonlyMap<string, string>): KurrentEventData {
  return {
    id: event.id,
    contentType: 'application/octet-stream',
    type: event.type,
    data: encodeEvent(event),
    metadata: new TextEncoder().encode(JSON.stringify(Object.fromEntries(headers))),
  };
}

/** Stream revisions count from 0, the port's sequences from 1: sequence = revision + 1, in both directions. */
export function seqOfRevision(revision: bigint): number {
  return Number(revision) + 1;
}

export function revisionOfSeq(seq: number): bigint {
  if (!Number.isSafeInteger(seq) || seq < 1) throw new RangeError(`seq: must be an integer from 1, got ${seq}`);
  return BigInt(seq - 1);
}

/**
 * An append is new when it landed past the last revision seen just before it; KurrentDB answers an idempotent
 * repeat (same event id) with the original's revision, which is at or before that.
 */
export function appendOutcome(lastRevisionBefore: bigint | undefined, revision: bigint): AppendResult {
  const duplicate = lastRevisionBefore !== undefined && revision <= lastRevisionBefore;
  return { seq: seqOfRevision(revision), duplicate };
}

/** Decodes with the contracts' codec; an event whose KurrentDB type differs from its own is refused as misrouted. */
export function fromRecorded(recorded: KurrentRecorded): { ok: true; stored: StoredEvent } | Undecodable {
  const bytes = asBytes(recorded.data);
  if (!bytes) return { ok: false, errors: [`data: revision ${recorded.revision} holds JSON, not the binary bytes Jarvis writes`] };
  const decoded = decodeEvent(bytes);
  if (!decoded.ok) {
    const newer = newerSchemaOf(bytes);
    return newer ? { ok: false, errors: decoded.errors, newer } : { ok: false, errors: decoded.errors };
  }
  if (decoded.value.type !== recorded.type) {
    return { ok: false, errors: [`type: ${decoded.value.type} stored with KurrentDB event type ${recorded.type}`] };
  }
  return { ok: true, stored: { seq: seqOfRevision(recorded.revision), event: decoded.value, headers: headersOf(recorded.metadata) } };
}

function asBytes(data: unknown): Uint8Array | undefined {
  return data instanceof Uint8Array ? data : undefined;
}

/** Headers come back as bytes, or already parsed when the server flags the metadata as JSON; anything else: none. */
function headersOf(metadata: unknown): HeaderCarrier | undefined {
  const parsed = parseMetadata(metadata);
  if (!parsed) return undefined;
  const map = new Map(Object.entries(parsed).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
  return mapCarrier(map);
}

function parseMetadata(metadata: unknown): Record<string, unknown> | undefined {
  try {
    const value: unknown = metadata instanceof Uint8Array ? JSON.parse(new TextDecoder().decode(metadata)) : metadata;
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function mapCarrier(map: Map<string, string>): HeaderCarrier {
  return { get: (key) => map.get(key), set: (key, value) => void map.set(key, value) };
}
