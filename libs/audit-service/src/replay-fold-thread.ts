import { Worker } from 'node:worker_threads';
import { assertNever } from '@jarvis/contracts';
import type { StoredMessage } from '@jarvis/event-log';
import type { IncidentBookLimits, TimeSavedEstimates } from '@jarvis/incidents';
import type { ReplayFigures } from './replay-fold.js';
import { packBatch, type FromReplayFold, type ReplayFoldData } from './replay-fold-messages.js';

/**
 * Batches handed to the fold's thread and not yet folded: 8 of up to 512 events keep it busy while the reader waits
 * on the socket, and bound what a reader faster than the fold holds in memory (about 2 MB).
 */
const FOLD_WINDOW = 8;

type Waiter = { resolve: (figures: ReplayFigures) => void; reject: (error: Error) => void };

/**
 * A `ReplayFold` on a worker thread of its own. The reader parses deliveries on the main thread while the fold decodes
 * and folds the batches before them, so a replay takes about the longer of the two instead of their sum when the
 * machine has a core to spare (measured: docs/benchmarks.md). A failure of the thread fails the next call.
 */
export class ReplayFoldThread {
  private readonly worker: Worker;
  private folding = 0;
  private latest = { events: 0, invalid: 0 };
  private readonly slots: (() => void)[] = [];
  private asked: Waiter | undefined;
  private failure: Error | undefined;

  constructor(limits: IncidentBookLimits, private readonly window = FOLD_WINDOW) {
    const data: ReplayFoldData = { limits };
    this.worker = new Worker(new URL('./replay-fold-thread-entry.js', import.meta.url), { workerData: data });
    this.worker.on('message', (message: FromReplayFold) => this.received(message));
    this.worker.on('error', (error: Error) => this.fail(error));
    this.worker.on('exit', (code: number) => this.fail(new Error(`the replay's fold thread stopped (exit code ${code})`)));
  }

  /** Events folded and messages skipped as invalid, as of the last batch the thread finished. */
  get counts(): { events: number; invalid: number } {
    return this.latest;
  }

  /** Hands a batch over once fewer than `window` are being folded; its messages may be read again as soon as this returns. */
  async add(batch: readonly StoredMessage[]): Promise<void> {
    while (this.folding >= this.window && !this.failure) await new Promise<void>((resolve) => this.slots.push(resolve));
    if (this.failure) throw this.failure;
    const packed = packBatch(batch);
    this.folding += 1;
    this.worker.postMessage(packed, [packed.bytes.buffer, packed.ends.buffer]);
  }

  /** The figures once every batch handed over is folded (the thread takes its messages in order). */
  figures(now: Date, estimates: TimeSavedEstimates): Promise<ReplayFigures> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.asked = { resolve, reject };
      this.worker.postMessage({ kind: 'figures', nowMs: now.getTime(), estimates });
    });
  }

  /** Stops the thread, whatever it was doing; calls after it fail. */
  async close(): Promise<void> {
    this.fail(new Error("the replay's fold thread was closed"));
    await this.worker.terminate();
  }

  private received(message: FromReplayFold): void {
    switch (message.kind) {
      case 'folded':
        this.latest = { events: message.events, invalid: message.invalid };
        this.folding -= 1;
        this.slots.shift()?.();
        break;
      case 'figures':
        this.asked?.resolve(message.figures);
        this.asked = undefined;
        break;
      default:
        assertNever(message);
    }
  }

  /** The first failure is the one reported; whoever waits is woken to see it. */
  private fail(error: Error): void {
    this.failure ??= error;
    for (const wake of this.slots.splice(0)) wake();
    this.asked?.reject(this.failure);
    this.asked = undefined;
  }
}
