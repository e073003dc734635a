import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { ChainVerifier, type VerifyReport } from '@jarvis/audit-chain';
import { EVENT_STREAM_NAME } from '@jarvis/contracts';
import { JetStreamCheckpointStream } from './checkpoint-stream.js';
import { readRawRange } from './raw-event-readers.js';

export type VerifyChainOptions = {
  eventStream?: string;
  checkpointStream?: string;
  key?: Uint8Array;
  /** Called every `PROGRESS_EVERY` messages read, with the sequence reached and the last one. */
  onProgress?: (seq: number, lastSeq: number) => void;
};

export type ChainVerification = VerifyReport & {
  stream: string;
  /** The event stream's first retained and last sequence when verification started. */
  firstSeq: number;
  lastSeq: number;
  /** The stream's retention limits, when it has any (`events.retention`). */
  retention: { maxAgeSeconds: number; maxBytes: number } | null;
};

const PROGRESS_EVERY = 1000;

/** Reads the checkpoints, then the event stream from its first retained sequence, and compares them. */
export async function verifyEventChain(nc: NatsConnection, options: VerifyChainOptions = {}): Promise<ChainVerification> {
  const stream = options.eventStream ?? EVENT_STREAM_NAME;
  const jsm = await jetstreamManager(nc);
  const info = await jsm.streams.info(stream);
  const checkpointStream = await JetStreamCheckpointStream.open(nc, { create: false, ...(options.checkpointStream ? { stream: options.checkpointStream } : {}) });
  const { checkpoints, lastSeq: checkpointLastSeq } = await checkpointStream.readAll();
  const maxAgeSeconds = Math.max(0, (info.config.max_age ?? 0) / 1e9);
  const maxBytes = Math.max(0, info.config.max_bytes ?? 0);
  const retention = maxAgeSeconds > 0 || maxBytes > 0 ? { maxAgeSeconds, maxBytes } : null;
  const firstSeq = Math.max(1, info.state.first_seq);
  const lastSeq = info.state.last_seq;
  const verifier = new ChainVerifier({ stream, checkpoints, checkpointLastSeq, firstSeq, lastSeq, retention: retention !== null, ...(options.key ? { key: options.key } : {}) });
  let read = 0;
  if (!verifier.settled()) {
    for await (const record of readRawRange(nc, stream, firstSeq, lastSeq)) {
      verifier.push(record);
      if (++read % PROGRESS_EVERY === 0) options.onProgress?.(record.seq, lastSeq);
      if (verifier.settled()) break;
    }
  }
  return { ...verifier.finish(), stream, firstSeq, lastSeq, retention };
}
