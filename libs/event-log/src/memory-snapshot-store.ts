import type { SnapshotStore } from './snapshot-store.js';

/** Snapshots in process memory, beside the memory event log: gone with the process, like the log itself. */
export class MemorySnapshotStore implements SnapshotStore {
  private readonly snapshots = new Map<string, Uint8Array>();

  async load(processor: string): Promise<Uint8Array | undefined> {
    const bytes = this.snapshots.get(processor);
    return bytes && Uint8Array.from(bytes);
  }

  /** Keeps a copy: the caller may reuse its buffer. */
  async save(processor: string, bytes: Uint8Array): Promise<void> {
    this.snapshots.set(processor, Uint8Array.from(bytes));
  }
}
