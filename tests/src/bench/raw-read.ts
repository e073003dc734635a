/**
 * The audit bench's raw read in a process of its own, as `jarvis audit replay` runs in one:
 * `node raw-read.js <nats url> <last seq>` reads the event stream through an ordered consumer up to the last
 * sequence, nothing decoded, and prints `{"events":…,"ms":…}`.
 */
import { jetstream } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { EVENT_STREAM_NAME } from '@jarvis/contracts';
import { READER_PULL } from '@jarvis/event-log';

async function main(): Promise<void> {
  const [url, last] = process.argv.slice(2);
  const lastSeq = Number(last);
  if (!url || !Number.isSafeInteger(lastSeq) || lastSeq < 1) throw new Error('usage: raw-read.js <nats url> <last seq>');
  const nc = await connect({ servers: [url] });
  try {
    const started = performance.now();
    const consumer = await jetstream(nc).consumers.get(EVENT_STREAM_NAME);
    const messages = await consumer.consume(READER_PULL);
    let events = 0;
    for await (const msg of messages) {
      events += 1;
      if (msg.seq >= lastSeq) break;
    }
    const ms = performance.now() - started;
    await messages.close().catch(() => undefined);
    process.stdout.write(`${JSON.stringify({ events, ms })}\n`);
  } finally {
    await nc.close();
  }
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    process.stderr.write(`raw read failed: ${error.message}\n`);
    process.exit(1);
  },
);
