import { jetstream, jetstreamManager, RetentionPolicy, StorageType, type JetStreamClient, type JetStreamManager, type StreamConfig } from '@nats-io/jetstream';
import { nanos, type NatsConnection } from '@nats-io/transport-node';
import { decodeCheckpoint, encodeCheckpoint, type Checkpoint, type StoredCheckpoint } from '@jarvis/audit-chain';
import { AUDIT_CHECKPOINT_STREAM, AUDIT_CHECKPOINT_SUBJECT } from '@jarvis/contracts';
import { DUPLICATE_WINDOW_MS } from '@jarvis/event-log';

/** Checkpoints are a few hundred bytes plus 16 bytes per event they cover. */
const MAX_CHECKPOINT_BYTES = 1024 * 1024;

/** Kept for ever and never deleted: the checkpoints are what carries verification across the events' retention. */
export function checkpointStreamConfig(name: string): Partial<StreamConfig> & { name: string } {
  return {
    name,
    subjects: [AUDIT_CHECKPOINT_SUBJECT],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    duplicate_window: nanos(DUPLICATE_WINDOW_MS),
    max_msg_size: MAX_CHECKPOINT_BYTES,
    deny_delete: true,
    deny_purge: true,
  };
}

export type LatestCheckpoint = { checkpoint: Checkpoint; seq: number };

/** A stored checkpoint that cannot be read: the writer stops rather than chain onto something it cannot check. */
export class CheckpointUnreadable extends Error {
  override name = 'CheckpointUnreadable';
}

export class JetStreamCheckpointStream {
  private constructor(
    private readonly jsm: JetStreamManager,
    private readonly js: JetStreamClient,
    readonly stream: string,
  ) {}

  /** Opens the stream, creating it when `create` (the audit service); a reader (the CLI) only looks. */
  static async open(nc: NatsConnection, options: { stream?: string; create: boolean }): Promise<JetStreamCheckpointStream> {
    const stream = options.stream ?? AUDIT_CHECKPOINT_STREAM;
    const jsm = await jetstreamManager(nc);
    if (options.create) {
      const existing = await jsm.streams.info(stream).catch(() => undefined);
      if (!existing) await jsm.streams.add(checkpointStreamConfig(stream)).catch(async (error: unknown) => jsm.streams.info(stream).catch(() => Promise.reject(error)));
    }
    return new JetStreamCheckpointStream(jsm, jetstream(nc), stream);
  }

  async latest(): Promise<LatestCheckpoint | undefined> {
    const message = await this.jsm.streams.getMessage(this.stream, { last_by_subj: AUDIT_CHECKPOINT_SUBJECT });
    if (!message) return undefined;
    const decoded = decodeCheckpoint(message.data);
    if (!decoded.ok) throw new CheckpointUnreadable(`checkpoint at seq ${message.seq} of ${this.stream} is unreadable: ${decoded.errors.join('; ')}`);
    return { checkpoint: decoded.checkpoint, seq: message.seq };
  }

  /**
   * Stored once however often it is retried (the msg id is derived from the last sequence covered), and only right
   * after `afterSeq`: a second writer that raced this one fails here instead of forking the chain.
   */
  async append(checkpoint: Checkpoint, afterSeq: number): Promise<{ seq: number; duplicate: boolean }> {
    const ack = await this.js.publish(AUDIT_CHECKPOINT_SUBJECT, encodeCheckpoint(checkpoint), {
      msgID: checkpointMsgId(checkpoint),
      expect: { lastSequence: afterSeq },
      timeout: 10_000,
    });
    return { seq: ack.seq, duplicate: ack.duplicate };
  }

  /** Every stored checkpoint message as stored, and the stream's last sequence, for verification. */
  async readAll(): Promise<{ checkpoints: StoredCheckpoint[]; lastSeq: number }> {
    const info = await this.jsm.streams.info(this.stream).catch(() => undefined);
    if (!info) return { checkpoints: [], lastSeq: 0 };
    const checkpoints: StoredCheckpoint[] = [];
    for (let seq = Math.max(1, info.state.first_seq); seq <= info.state.last_seq; seq++) {
      const message = await this.jsm.streams.getMessage(this.stream, { seq });
      if (message) checkpoints.push({ seq: message.seq, data: message.data });
    }
    return { checkpoints, lastSeq: info.state.last_seq };
  }
}

export function checkpointMsgId(checkpoint: Checkpoint): string {
  return `checkpoint-${checkpoint.stream}-${checkpoint.lastSeq}`;
}
