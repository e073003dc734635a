import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { INDEX_DIGEST_BYTES } from './chain-link.js';

export const CHECKPOINT_VERSION = 1;

/**
 * What the audit service asserts about one run of the event stream: the link at its end and, to point at the exact
 * sequence that changed, the leading bytes of each event's digest. Checkpoints chain by `previous`.
 */
export type Checkpoint = {
  version: typeof CHECKPOINT_VERSION;
  stream: string;
  /** 1 for the first checkpoint of the stream, then one more each time. */
  index: number;
  /** The first sequence covered: the one after the previous checkpoint, or the first retained one if later. */
  firstSeq: number;
  lastSeq: number;
  /** Messages hashed: `lastSeq - firstSeq + 1` less `missing`. */
  count: number;
  /** Sequences of the range that held no message when the audit service read it (deleted before it saw them). */
  missing: number[];
  /** The link after `lastSeq`, hex. */
  link: string;
  /** The index digests of the `count` messages, in order, base64. */
  digests: string;
  /** `checkpointDigest` of the previous checkpoint, hex; the genesis link for the first. */
  previous: string;
  writtenAt: string;
  /** HMAC-SHA256 of `checkpointDigest` with the audit key, hex, when a key is configured. */
  mac?: string;
};

export type CheckpointDecoded = { ok: true; checkpoint: Checkpoint } | { ok: false; errors: string[] };

const FIELDS = ['version', 'stream', 'index', 'firstSeq', 'lastSeq', 'count', 'missing', 'link', 'digests', 'previous', 'writtenAt'] as const;
const HEX_256 = /^[0-9a-f]{64}$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** SHA-256 over the fields in a fixed order (the mac excluded): what the next checkpoint and the mac refer to. */
export function checkpointDigest(checkpoint: Checkpoint): string {
  return createHash('sha256').update(JSON.stringify(FIELDS.map((field) => checkpoint[field]))).digest('hex');
}

export function signCheckpoint(checkpoint: Checkpoint, key: Uint8Array): Checkpoint {
  return { ...checkpoint, mac: createHmac('sha256', key).update(checkpointDigest(checkpoint)).digest('hex') };
}

export function macMatches(checkpoint: Checkpoint, key: Uint8Array): boolean {
  if (checkpoint.mac === undefined || !HEX_256.test(checkpoint.mac)) return false;
  const expected = createHmac('sha256', key).update(checkpointDigest(checkpoint)).digest();
  return timingSafeEqual(expected, Buffer.from(checkpoint.mac, 'hex'));
}

export function encodeCheckpoint(checkpoint: Checkpoint): Uint8Array {
  return Buffer.from(JSON.stringify(checkpoint));
}

/** Parses and checks a stored checkpoint; each error names the field and the reason. */
export function decodeCheckpoint(bytes: Uint8Array): CheckpointDecoded {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (error) {
    return { ok: false, errors: [`not JSON: ${(error as Error).message}`] };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, errors: ['not an object'] };
  const errors = checkpointErrors(value as Record<string, unknown>);
  return errors.length > 0 ? { ok: false, errors } : { ok: true, checkpoint: value as Checkpoint };
}

function checkpointErrors(c: Record<string, unknown>): string[] {
  const errors: string[] = [];
  const seq = (field: string) => {
    if (!Number.isSafeInteger(c[field]) || (c[field] as number) < 1) errors.push(`${field}: must be a positive integer`);
  };
  if (c['version'] !== CHECKPOINT_VERSION) errors.push(`version: must be ${CHECKPOINT_VERSION}`);
  if (typeof c['stream'] !== 'string' || c['stream'] === '') errors.push('stream: must be a stream name');
  ['index', 'firstSeq', 'lastSeq'].forEach(seq);
  if (!Number.isSafeInteger(c['count']) || (c['count'] as number) < 0) errors.push('count: must be an integer of 0 or more');
  for (const field of ['link', 'previous']) if (typeof c[field] !== 'string' || !HEX_256.test(c[field])) errors.push(`${field}: must be 64 hex digits`);
  if (c['mac'] !== undefined && (typeof c['mac'] !== 'string' || !HEX_256.test(c['mac']))) errors.push('mac: must be 64 hex digits');
  if (typeof c['writtenAt'] !== 'string' || Number.isNaN(Date.parse(c['writtenAt']))) errors.push('writtenAt: must be an ISO time');
  if (!Array.isArray(c['missing']) || !c['missing'].every((s) => Number.isSafeInteger(s))) errors.push('missing: must be a list of sequences');
  if (typeof c['digests'] !== 'string' || !BASE64.test(c['digests'])) errors.push('digests: must be base64');
  if (errors.length > 0) return errors;
  return rangeErrors(c as unknown as Checkpoint);
}

function rangeErrors(c: Checkpoint): string[] {
  const errors: string[] = [];
  if (c.lastSeq < c.firstSeq) errors.push('lastSeq: must not be below firstSeq');
  if (c.missing.some((s, i) => s < c.firstSeq || s > c.lastSeq || (i > 0 && s <= c.missing[i - 1]!))) errors.push('missing: must be ascending sequences within firstSeq..lastSeq');
  if (c.count !== c.lastSeq - c.firstSeq + 1 - c.missing.length) errors.push('count: does not match the range less the missing sequences');
  if (Buffer.from(c.digests, 'base64').length !== c.count * INDEX_DIGEST_BYTES) errors.push(`digests: must hold ${c.count} digests of ${INDEX_DIGEST_BYTES} bytes`);
  return errors;
}

/** The sequences a checkpoint covers with their index digests, in order. */
export function* coveredEntries(checkpoint: Checkpoint): Generator<{ seq: number; digest: Buffer }> {
  const digests = Buffer.from(checkpoint.digests, 'base64');
  const missing = new Set(checkpoint.missing);
  let i = 0;
  for (let seq = checkpoint.firstSeq; seq <= checkpoint.lastSeq; seq++) {
    if (missing.has(seq)) continue;
    yield { seq, digest: digests.subarray(i * INDEX_DIGEST_BYTES, (i + 1) * INDEX_DIGEST_BYTES) };
    i++;
  }
}
