import type { AppliedSequences } from './applied-sequences.js';
import type { LogPosition } from './event-log.js';
import { decodeSnapshot, encodeSnapshot, type Snapshot } from './snapshot-codec.js';
import type { SnapshotStore } from './snapshot-store.js';

type Logger = { log(message: string): void; warn(message: string): void };

/**
 * One processor's snapshots. A snapshot that cannot be read or written costs start-up time, never state: the
 * processor then replays the whole log.
 */
export class ProcessorSnapshots<S> {
  private streamCreatedAt = '';

  constructor(
    private readonly processor: { readonly name: string; readonly stateVersion?: number },
    private readonly store: SnapshotStore | undefined,
    private readonly logger: Logger,
  ) {}

  get enabled(): boolean {
    return this.store !== undefined;
  }

  async load(position: LogPosition): Promise<Snapshot<S> | undefined> {
    this.streamCreatedAt = position.createdAt;
    if (!this.store) return undefined;
    const name = this.processor.name;
    try {
      const bytes = await this.store.load(name);
      if (!bytes) {
        this.logger.log(`${name}: no snapshot, replaying the whole log`);
        return undefined;
      }
      const snapshot = decodeSnapshot<S>(bytes);
      const unusable = this.whyUnusable(snapshot, position);
      if (unusable) {
        this.logger.warn(`${name}: snapshot ignored (${unusable}), replaying the whole log`);
        return undefined;
      }
      this.logger.log(`${name}: starting from the snapshot at seq ${snapshot.seq}`);
      return snapshot;
    } catch (error) {
      this.logger.warn(`${name}: snapshot unusable (${(error as Error).message}), replaying the whole log`);
      return undefined;
    }
  }

  /**
   * Encodes (copies) the state before the first await: `evolve` changes the state in place as later events arrive,
   * and the state, its sequence and the own appends beyond it belong together.
   */
  async save(state: S, applied: AppliedSequences): Promise<void> {
    if (!this.store) return;
    const snapshot: Snapshot<S> = {
      processor: this.processor.name,
      stateVersion: this.processor.stateVersion ?? 1,
      stream: this.streamCreatedAt,
      seq: applied.through,
      ahead: applied.aheadOfStream(),
      state,
    };
    try {
      await this.store.save(this.processor.name, encodeSnapshot(snapshot));
    } catch (error) {
      this.logger.warn(`${this.processor.name}: snapshot at seq ${snapshot.seq} skipped: ${(error as Error).message}`);
    }
  }

  private whyUnusable(snapshot: Snapshot<S>, position: LogPosition): string | undefined {
    const version = this.processor.stateVersion ?? 1;
    if (snapshot.processor !== this.processor.name) return `it belongs to ${snapshot.processor}`;
    if (snapshot.stateVersion !== version) return `state version ${snapshot.stateVersion}, this build uses ${version}`;
    if (snapshot.stream !== position.createdAt) return 'it was taken from an earlier stream of the same name';
    if (snapshot.seq > position.lastSeq) return `it covers seq ${snapshot.seq}, beyond the stream's last seq ${position.lastSeq}`;
    return undefined;
  }
}
