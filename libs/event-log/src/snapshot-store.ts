import { createHash } from 'node:crypto';
import { StorageType } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';

/** Where processors keep their latest snapshot: one per processor, the newest only. */
export interface SnapshotStore {
  load(processor: string): Promise<Uint8Array | undefined>;
  save(processor: string, bytes: Uint8Array): Promise<void>;
}

export const SNAPSHOT_BUCKET = 'JARVIS_SNAPSHOTS';

/** Room left in a message for the headers and subject the key-value put adds to the value. */
const PUT_OVERHEAD_BYTES = 4 * 1024;
const DEFAULT_MAX_PAYLOAD = 1024 * 1024;
/** With the default 1 MiB max_payload, snapshots up to about 64 MiB (compressed). */
export const MAX_SNAPSHOT_CHUNKS = 64;

type Slot = 'a' | 'b';
type Manifest = { slot: Slot; chunks: number; bytes: number; sha256: string };

export class SnapshotTooLarge extends Error {
  override name = 'SnapshotTooLarge';
}

/**
 * Snapshots in a JetStream key-value bucket (file storage, history 1), so they live where the events do. A snapshot
 * larger than one NATS message is split into chunks. Two fixed slots of chunk keys alternate and the manifest under
 * the processor's name is written last, so a crash mid-write leaves the previous snapshot whole, and the bucket
 * never grows beyond two slots per processor.
 */
export class JetStreamSnapshotStore implements SnapshotStore {
  private constructor(
    private readonly kv: KV,
    private readonly chunkBytes: number,
  ) {}

  static async open(nc: NatsConnection, bucket = SNAPSHOT_BUCKET): Promise<JetStreamSnapshotStore> {
    const kv = await new Kvm(nc).create(bucket, { history: 1, storage: StorageType.File });
    return new JetStreamSnapshotStore(kv, (nc.info?.max_payload ?? DEFAULT_MAX_PAYLOAD) - PUT_OVERHEAD_BYTES);
  }

  async load(processor: string): Promise<Uint8Array | undefined> {
    const manifest = await this.manifest(processor);
    if (!manifest) return undefined;
    const parts: Uint8Array[] = [];
    for (let i = 0; i < manifest.chunks; i++) {
      const entry = await this.kv.get(chunkKey(processor, manifest.slot, i));
      if (!entry || entry.operation !== 'PUT') throw new Error(`snapshot chunk ${i + 1} of ${manifest.chunks} is missing`);
      parts.push(entry.value);
    }
    const bytes = Buffer.concat(parts);
    if (bytes.length !== manifest.bytes || sha256(bytes) !== manifest.sha256) throw new Error('snapshot chunks do not match their manifest');
    return bytes;
  }

  async save(processor: string, bytes: Uint8Array): Promise<void> {
    const chunks = Math.max(1, Math.ceil(bytes.length / this.chunkBytes));
    if (chunks > MAX_SNAPSHOT_CHUNKS) {
      throw new SnapshotTooLarge(`snapshot of ${bytes.length} bytes needs ${chunks} chunks of ${this.chunkBytes} bytes (max_payload), more than ${MAX_SNAPSHOT_CHUNKS}`);
    }
    const current = await this.manifest(processor).catch(() => undefined);
    const slot: Slot = current?.slot === 'a' ? 'b' : 'a';
    for (let i = 0; i < chunks; i++) await this.kv.put(chunkKey(processor, slot, i), bytes.subarray(i * this.chunkBytes, (i + 1) * this.chunkBytes));
    const manifest: Manifest = { slot, chunks, bytes: bytes.length, sha256: sha256(bytes) };
    await this.kv.put(processor, JSON.stringify(manifest));
  }

  private async manifest(processor: string): Promise<Manifest | undefined> {
    const entry = await this.kv.get(processor);
    if (!entry || entry.operation !== 'PUT' || entry.value.length === 0) return undefined;
    const manifest = entry.json<Manifest>();
    const valid =
      (manifest.slot === 'a' || manifest.slot === 'b') &&
      Number.isInteger(manifest.chunks) &&
      manifest.chunks >= 1 &&
      manifest.chunks <= MAX_SNAPSHOT_CHUNKS &&
      Number.isInteger(manifest.bytes) &&
      typeof manifest.sha256 === 'string';
    if (!valid) throw new Error('snapshot manifest is not readable');
    return manifest;
  }
}

function chunkKey(processor: string, slot: Slot, index: number): string {
  return `${processor}.${slot}.${index}`;
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
