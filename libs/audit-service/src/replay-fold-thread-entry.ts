import { parentPort, workerData } from 'node:worker_threads';
import { assertNever } from '@jarvis/contracts';
import { ReplayFold } from './replay-fold.js';
import { unpackBatch, type FromReplayFold, type ReplayFoldData, type ToReplayFold } from './replay-fold-messages.js';

/** The worker thread of `ReplayFoldThread`: one `ReplayFold`, fed batch by batch, asked for its figures at the end. */
const port = parentPort!;
const fold = new ReplayFold((workerData as ReplayFoldData).limits);
const reply = (message: FromReplayFold) => port.postMessage(message);

port.on('message', (message: ToReplayFold) => {
  switch (message.kind) {
    case 'batch':
      unpackBatch(message, (subject, data) => fold.add(subject, data));
      reply({ kind: 'folded', ...fold.counts });
      break;
    case 'figures':
      reply({ kind: 'figures', figures: fold.figures(new Date(message.nowMs), message.estimates) });
      break;
    default:
      assertNever(message);
  }
});
