import { createHash } from 'node:crypto';

/** One stored message of the event stream, as the chain sees it: the bytes and the headers that carry meaning. */
export type ChainRecord = {
  seq: number;
  subject: string;
  /** `Nats-Msg-Id`: the event id the store de-duplicates on. */
  msgId: string;
  /** `Jarvis-Event-Type`, which readers route on without parsing the data. */
  eventType: string;
  data: Uint8Array;
};

export const LINK_BYTES = 32;
/** Checkpoints keep this many leading bytes of each event digest: 128 bits, enough against a forged replacement. */
export const INDEX_DIGEST_BYTES = 16;

const CHAIN_VERSION = 'jarvis-audit-chain/1';

/** link_0: bound to the stream's name, so a chain of one stream never verifies another. */
export function genesisLink(stream: string): Buffer {
  return createHash('sha256').update(`${CHAIN_VERSION} genesis ${stream}`).digest();
}

/**
 * SHA-256 over the subject, the msg id, the event type header and the data, each preceded by its length (u32 big
 * endian) so no two different records frame to the same bytes. Trace headers are left out: they are not facts.
 */
export function eventDigest(record: ChainRecord): Buffer {
  const hash = createHash('sha256').update(CHAIN_VERSION);
  for (const part of [Buffer.from(record.subject), Buffer.from(record.msgId), Buffer.from(record.eventType), record.data]) {
    hash.update(u32(part.length)).update(part);
  }
  return hash.digest();
}

/** link_n = SHA-256(link_{n-1} || seq_n as u64 big endian || digest_n). */
export function nextLink(previous: Uint8Array, seq: number, digest: Uint8Array): Buffer {
  const position = Buffer.alloc(8);
  position.writeBigUInt64BE(BigInt(seq));
  return createHash('sha256').update(previous).update(position).update(digest).digest();
}

export function indexDigest(digest: Uint8Array): Buffer {
  return Buffer.from(digest.subarray(0, INDEX_DIGEST_BYTES));
}

function u32(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value);
  return bytes;
}
