import { setTimeout as sleep } from 'node:timers/promises';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { chainHeadAfter, CheckpointCutter, type CheckpointPolicy } from '@jarvis/audit-chain';
import { JetStreamCheckpointStream } from './checkpoint-stream.js';
import { readRawFrom } from './raw-event-readers.js';

export type CheckpointerReport = {
  /** A checkpoint was stored (or found already stored): the chain's new end. */
  written(index: number, lastSeq: number): void;
  /** A round failed; the next one starts again from the latest stored checkpoint. */
  failed(reason: string): void;
  recovered(): void;
};

export type CheckpointerOptions = {
  eventStream: string;
  checkpointStream?: string;
  policy: CheckpointPolicy;
  key?: Uint8Array;
  clock: () => Date;
  /** How often it looks for new events. */
  pollMs: number;
  report: CheckpointerReport;
};

const STOP_WAIT_MS = 2000;

type Position = { cutter: CheckpointCutter; afterSeq: number; nextRead: number };

/**
 * Chains the event stream as it grows and stores a checkpoint at the policy's interval. It keeps nothing of its own
 * but the checkpoints: after a crash it resumes from the latest stored one and re-reads the events after it, so it
 * writes neither a duplicate (msg id from the last sequence, expected last sequence) nor a hole.
 */
export class AuditCheckpointer {
  private position: Position | undefined;
  private loop: Promise<void> | undefined;
  private readonly stopping = new AbortController();
  /** The reason the last round failed, until one succeeds. */
  private failing: string | undefined;

  private constructor(
    private readonly jsm: JetStreamManager,
    private readonly js: JetStreamClient,
    private readonly checkpoints: JetStreamCheckpointStream,
    private readonly options: CheckpointerOptions,
  ) {}

  static async open(nc: NatsConnection, options: CheckpointerOptions): Promise<AuditCheckpointer> {
    const checkpoints = await JetStreamCheckpointStream.open(nc, { create: true, ...(options.checkpointStream ? { stream: options.checkpointStream } : {}) });
    return new AuditCheckpointer(await jetstreamManager(nc), jetstream(nc), checkpoints, options);
  }

  start(): void {
    this.loop ??= this.run();
  }

  /**
   * Waits a moment for the round in progress, not for a read stuck on an unreachable NATS: nothing is lost by
   * leaving it, since the next start resumes from the latest stored checkpoint.
   */
  async stop(): Promise<void> {
    this.stopping.abort();
    // The wait's timer goes with the answer: left running, it would keep the process alive 2 s after a clean stop.
    const waited = new AbortController();
    try {
      await Promise.race([this.loop, sleep(STOP_WAIT_MS, undefined, { signal: waited.signal })]);
    } finally {
      waited.abort();
    }
  }

  private async run(): Promise<void> {
    while (!this.stopping.signal.aborted) {
      try {
        await this.round();
        if (this.failing !== undefined) this.options.report.recovered();
        this.failing = undefined;
      } catch (error) {
        this.position = undefined;
        const reason = (error as Error).message;
        // Said once per distinct reason: a lasting outage retried every poll would otherwise flood the log.
        if (reason !== this.failing) this.options.report.failed(reason);
        this.failing = reason;
      }
      await sleep(this.options.pollMs, undefined, { signal: this.stopping.signal }).catch(() => undefined);
    }
  }

  /** Reads what is stored now, cutting a checkpoint each time one is full, then one by time if it is due. */
  private async round(): Promise<void> {
    const position = this.position ?? (await this.resume());
    this.position = position;
    const info = await this.jsm.streams.info(this.options.eventStream);
    if (info.state.last_seq >= position.nextRead) {
      for await (const record of readRawFrom(this.jsm, this.js, this.options.eventStream, position.nextRead)) {
        position.cutter.add(record);
        position.nextRead = record.seq + 1;
        if (position.cutter.full() && !(await this.write(position))) return;
        if (this.stopping.signal.aborted) return;
      }
    }
    if (position.cutter.due(this.options.clock())) await this.write(position);
  }

  private async resume(): Promise<Position> {
    const latest = await this.checkpoints.latest();
    const cutter = new CheckpointCutter(chainHeadAfter(this.options.eventStream, latest?.checkpoint, this.options.clock()), this.options.policy, this.options.key);
    const info = await this.jsm.streams.info(this.options.eventStream);
    return { cutter, afterSeq: latest?.seq ?? 0, nextRead: cutter.begin(info.state.first_seq) };
  }

  /** False when an earlier attempt had stored it already: the stored one is the chain's, so resume from it. */
  private async write(position: Position): Promise<boolean> {
    const checkpoint = position.cutter.cut(this.options.clock());
    const ack = await this.checkpoints.append(checkpoint, position.afterSeq);
    if (ack.duplicate) {
      this.position = undefined;
      return false;
    }
    position.cutter.advance(checkpoint);
    position.afterSeq = ack.seq;
    this.options.report.written(checkpoint.index, checkpoint.lastSeq);
    return true;
  }
}
