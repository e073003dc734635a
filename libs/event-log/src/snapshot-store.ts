import { StorageType } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';

/** Where processors keep their latest snapshot: one value per processor, the newest only. */
export interface SnapshotStore {
  load(processor: string): Promise<Uint8Array | undefined>;
  save(processor: string, bytes: Uint8Array): Promise<void>;
}

export const SNAPSHOT_BUCKET = 'JARVIS_SNAPSHOTS';

/** Room left in a message for the headers and subject the key-value put adds to the value. */
const PUT_OVERHEAD_BYTES = 4 * 1024;

export class SnapshotTooLarge extends Error {
  override name = 'SnapshotTooLarge';
}

/** Snapshots in a JetStream key-value bucket (file storage, history 1), so they live where the events do. */
export class JetStreamSnapshotStore implements SnapshotStore {
  private constructor(
    private readonly kv: KV,
    private readonly maxBytes: number,
  ) {}

  static async open(nc: NatsConnection, bucket = SNAPSHOT_BUCKET): Promise<JetStreamSnapshotStore> {
    const kv = await new Kvm(nc).create(bucket, { history: 1, storage: StorageType.File });
    return new JetStreamSnapshotStore(kv, nc.info?.max_payload ? nc.info.max_payload - PUT_OVERHEAD_BYTES : 1024 * 1024 - PUT_OVERHEAD_BYTES);
  }

  async load(processor: string): Promise<Uint8Array | undefined> {
    const entry = await this.kv.get(processor);
    return entry && entry.operation === 'PUT' && entry.value.length > 0 ? entry.value : undefined;
  }

  async save(processor: string, bytes: Uint8Array): Promise<void> {
    if (bytes.length > this.maxBytes) {
      throw new SnapshotTooLarge(`snapshot of ${bytes.length} bytes exceeds the ${this.maxBytes} bytes a NATS message can carry here (max_payload)`);
    }
    await this.kv.put(processor, bytes);
  }
}
