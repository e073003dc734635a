/**
 * Audit benchmark (`npm run bench -- --only audit`): on one real nats-server, side by side in one run,
 *   1. `jarvis audit replay` (one process per replay) vs a raw ordered-consumer read of the log in a process of its own;
 *   2. append through the port (`JetStreamEventLog.append`) vs raw JetStream publish of the same bytes with msg ids;
 *   3. `jarvis audit verify` (`verifyEventChain`) over checkpoints written by the `AuditCheckpointer`.
 * Not a test: it never fails on timing.
 *
 *   --quick                    20,000 events in the log, 2,000 appends per mode; docs left alone
 *   --events N                 events in the log (default 1,000,000, as the issue asks)
 *   --no-docs | --write-docs   docs/benchmarks.md is written by default on full runs only
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { AuditCheckpointer, readRawRange, readStoredBatches, verifyEventChain } from '@jarvis/audit-store';
import { decodeEvent, encodeEvent, EVENT_STREAM_NAME, subjectOf, type JarvisEvent } from '@jarvis/contracts';
import { EVENT_TYPE_HEADER, JetStreamEventLog } from '@jarvis/event-log';
import { JARVIS_BIN, REPO_ROOT } from '../support/jarvis-harness.js';
import { startNats, type NatsHarness } from '../support/nats-harness.js';
import { killAllTracked, spawnTracked, waitFor } from '../support/processes.js';
import { AUDIT_BEGIN, AUDIT_END, renderAuditReport, type AppendResult, type Rate } from './audit-report.js';
import { assertHistoryValid, history, publishHistory } from './event-history.js';
import { loadAverage, machineInfo } from './machine.js';
import { writeMarkedSection } from './report.js';

const FULL_EVENTS = 1_000_000;
const DECODE_SAMPLE = 50_000;
const QUICK_EVENTS = 20_000;
const IN_FLIGHT = 64;
/** The default count, and a short interval, so the tail after the last full checkpoint is cut within a second. */
const CHECKPOINT_POLICY = { everyEvents: 1000, everySeconds: 1 };
/** The checkpointer of a million events must finish; if it stalls, the bench says so rather than hang for ever. */
const CHECKPOINT_DEADLINE_MS = 20 * 60_000;
const benchStart = Date.now();
const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
/** The logs of the processes the bench runs, removed at its end. */
const workDir = mkdtempSync(join(tmpdir(), 'jarvis-audit-bench-'));

function log(message: string): void {
  process.stderr.write(`[audit-bench +${((Date.now() - benchStart) / 1000).toFixed(1).padStart(6)}s] ${message}\n`);
}

type Args = { quick: boolean; events: number; appends: number; writeDocs: boolean };

function parseArgs(argv: string[]): Args {
  const quick = argv.includes('--quick');
  let events = quick ? QUICK_EVENTS : FULL_EVENTS;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--events') {
      events = Number(argv[++i]);
      if (!Number.isInteger(events) || events < 100 || events > 10_000_000) usage('--events: give an event count from 100 to 10000000');
    } else if (!['--quick', '--no-docs', '--write-docs'].includes(arg)) usage(`unknown argument "${arg}"`);
  }
  const writeDocs = argv.includes('--no-docs') ? false : argv.includes('--write-docs') || !quick;
  return { quick, events, appends: quick ? 2_000 : 20_000, writeDocs };
}

function usage(problem: string): never {
  process.stderr.write(`${problem}\nusage: npm run bench -- --only audit [--quick] [--events N] [--write-docs|--no-docs]\n`);
  process.exit(2);
}

const rateOf = (events: number, ms: number): Rate => ({ events, ms, perSecond: ms > 0 ? (events * 1000) / ms : NaN });
const fastest = (rates: Rate[]): Rate => rates.reduce((best, rate) => (rate.ms < best.ms ? rate : best));
/** Raw reads and replays, one after the other, this many times each. */
const RATIO_ROUNDS = 4;

/**
 * Every message of the stream through an ordered consumer, nothing decoded: what reading the log costs at least. In
 * a process of its own, as the replay it is compared with.
 */
async function rawRead(nats: NatsHarness, lastSeq: number, round: number): Promise<Rate> {
  const { events, ms } = await jsonOfProcess<{ events: number; ms: number }>([join(BENCH_DIR, 'raw-read.js'), nats.url, String(lastSeq)], `raw-read-${round}`);
  return rateOf(events, ms);
}

/** `jarvis audit replay --json` as an operator runs it, one process per replay: its count and its own timer. */
async function replayCommand(nats: NatsHarness, round: number): Promise<{ rate: Rate; invalid: number }> {
  const replayed = await jsonOfProcess<{ events: number; invalid: number; seconds: number }>([JARVIS_BIN, 'audit', 'replay', '--json'], `replay-${round}`, { NATS_URL: nats.url });
  return { rate: rateOf(replayed.events, replayed.seconds * 1000), invalid: replayed.invalid };
}

/** Runs `node …args` to its end and parses the JSON line it printed last. */
async function jsonOfProcess<T>(args: string[], name: string, env: NodeJS.ProcessEnv = {}): Promise<T> {
  const logFile = join(workDir, `${name}.log`);
  const proc = spawnTracked(process.execPath, args, { logFile, env: { ...process.env, ...env } });
  const code = await proc.exited();
  const output = proc.log();
  const line = output.split('\n').filter((l) => l.startsWith('{')).at(-1);
  if (code !== 0 || !line) throw new Error(`${name} exited with ${code}: ${output.slice(-2000)}`);
  return JSON.parse(line) as T;
}

/** The replay's own reader without the replay: nothing decoded. */
async function readerRead(nc: NatsConnection, firstSeq: number, lastSeq: number): Promise<Rate> {
  const started = performance.now();
  let read = 0;
  for await (const batch of readStoredBatches(nc, EVENT_STREAM_NAME, firstSeq, lastSeq)) read += batch.length;
  return rateOf(read, performance.now() - started);
}

/** The reader of verify and export: each message's chain record, headers read. */
async function chainReaderRead(nc: NatsConnection, firstSeq: number, lastSeq: number): Promise<Rate> {
  const started = performance.now();
  let read = 0;
  for await (const _record of readRawRange(nc, EVENT_STREAM_NAME, firstSeq, lastSeq)) read += 1;
  return rateOf(read, performance.now() - started);
}

/** What decoding and validating cost without any reading: events encoded beforehand, in memory. */
function decodeOnly(count: number): Rate {
  const encoded = [...history({ events: count, containers: 500, openIncidents: 5, startMs: Date.UTC(2024, 0, 1) }, 'audit-decode')].map(encodeEvent);
  const started = performance.now();
  let valid = 0;
  for (const bytes of encoded) if (decodeEvent(bytes).ok) valid += 1;
  return rateOf(valid, performance.now() - started);
}

/** Every item through `send`, `inFlight` at a time, started in order; the rate over all of them. */
async function timed<T>(items: T[], inFlight: number, send: (item: T) => Promise<unknown>): Promise<Rate> {
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < items.length) await send(items[next++]!);
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return rateOf(items.length, performance.now() - started);
}

async function measureAppends(nc: NatsConnection, count: number): Promise<AppendResult[]> {
  const port = await JetStreamEventLog.open(nc);
  const js = jetstream(nc);
  const batch = (seed: string): JarvisEvent[] => [...history({ events: count, containers: 50, openIncidents: 0, startMs: Date.UTC(2025, 0, 1) }, seed)];
  const raw = (events: JarvisEvent[]) =>
    events.map((event) => {
      const hdrs = natsHeaders();
      hdrs.set(EVENT_TYPE_HEADER, event.type);
      return { subject: subjectOf(event.type), bytes: encodeEvent(event), msgID: event.id, hdrs };
    });
  const results: AppendResult[] = [];
  for (const inFlight of [1, IN_FLIGHT]) {
    const portEvents = batch(`append-port-${inFlight}`);
    const rawMessages = raw(batch(`append-raw-${inFlight}`));
    const viaPort = await timed(portEvents, inFlight, (event) => port.append(event));
    log(`append, ${inFlight} in flight: port ${Math.round(viaPort.perSecond)} events/s`);
    const viaRaw = await timed(rawMessages, inFlight, (m) => js.publish(m.subject, m.bytes, { msgID: m.msgID, headers: m.hdrs, timeout: 10_000 }));
    log(`append, ${inFlight} in flight: raw publish ${Math.round(viaRaw.perSecond)} events/s`);
    results.push({ inFlight, port: viaPort, raw: viaRaw });
  }
  return results;
}

/** Runs the checkpointer until its checkpoints cover the whole stream; returns how long that took. */
async function checkpointAll(nc: NatsConnection, lastSeq: number): Promise<{ rate: Rate; checkpoints: number }> {
  let covered = 0;
  let checkpoints = 0;
  let failure: string | undefined;
  const started = performance.now();
  const checkpointer = await AuditCheckpointer.open(nc, {
    eventStream: EVENT_STREAM_NAME,
    policy: CHECKPOINT_POLICY,
    clock: () => new Date(),
    pollMs: 200,
    report: {
      written: (_index, seq) => {
        covered = seq;
        checkpoints += 1;
      },
      failed: (reason) => void (failure = reason),
      recovered: () => void (failure = undefined),
    },
  });
  checkpointer.start();
  try {
    await waitFor(`checkpoints up to seq ${lastSeq}`, () => {
      if (failure) throw new Error(`checkpointer failed: ${failure}`);
      return covered >= lastSeq;
    }, CHECKPOINT_DEADLINE_MS, 100);
  } finally {
    await checkpointer.stop();
  }
  return { rate: rateOf(lastSeq, performance.now() - started), checkpoints };
}

async function run(nats: NatsHarness, args: Args) {
  const nc = await connect({ servers: [nats.url] });
  try {
    await JetStreamEventLog.open(nc);
    const generatedAt = Date.now();
    const stored = await publishHistory(nc, history({ events: args.events, containers: 500, openIncidents: 5, startMs: Date.UTC(2024, 0, 1) }, 'audit-bench'));
    const generateMs = Date.now() - generatedAt;
    const { state } = await (await jetstreamManager(nc)).streams.info(EVENT_STREAM_NAME);
    log(`${stored} events published in ${(generateMs / 1000).toFixed(1)} s (last seq ${state.last_seq})`);

    const reader = await readerRead(nc, state.first_seq, state.last_seq);
    log(`reader alone: ${reader.events} in ${(reader.ms / 1000).toFixed(1)} s`);
    const chainReader = await chainReaderRead(nc, state.first_seq, state.last_seq);
    log(`chain records alone: ${chainReader.events} in ${(chainReader.ms / 1000).toFixed(1)} s`);
    const decode = decodeOnly(Math.min(DECODE_SAMPLE, args.events));
    log(`decoding alone: ${decode.events} in ${(decode.ms / 1000).toFixed(1)} s`);
    // Interleaved, the faster of each kept: a 2-core machine shared with others swings either by a third between runs.
    const raws: Rate[] = [];
    const replays: { rate: Rate; invalid: number }[] = [];
    for (let round = 1; round <= RATIO_ROUNDS; round++) {
      raws.push(await rawRead(nats, state.last_seq, round));
      log(`raw ordered read ${round}: ${raws.at(-1)!.events} in ${(raws.at(-1)!.ms / 1000).toFixed(1)} s`);
      replays.push(await replayCommand(nats, round));
      log(`replay ${round}: ${replays.at(-1)!.rate.events} (${replays.at(-1)!.invalid} invalid) in ${(replays.at(-1)!.rate.ms / 1000).toFixed(1)} s`);
    }
    const raw = fastest(raws);
    const replay = fastest(replays.map((r) => r.rate));

    const checkpointing = await checkpointAll(nc, state.last_seq);
    log(`${checkpointing.checkpoints} checkpoints written in ${(checkpointing.rate.ms / 1000).toFixed(1)} s`);
    const verifyStarted = performance.now();
    const verification = await verifyEventChain(nc);
    const verify = rateOf(verification.lastSeq - verification.firstSeq + 1, performance.now() - verifyStarted);
    log(`verify: ${verification.ok ? 'ok' : 'FAILED'}, ${verification.verified} verified in ${(verify.ms / 1000).toFixed(1)} s`);

    const appends = await measureAppends(nc, args.appends);
    return { stored, generateMs, raw, raws, reader, chainReader, decode, replay, replays: replays.map((r) => r.rate), replayInvalid: Math.max(...replays.map((r) => r.invalid)), checkpoints: checkpointing.checkpoints, checkpointing: checkpointing.rate, verify, verified: verification.verified, verifyOk: verification.ok, appends };
  } finally {
    await nc.close();
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  assertHistoryValid('check');
  let nats: NatsHarness | undefined;
  // Interrupted, it still stops what it started (by PID) before it exits.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void Promise.allSettled([nats?.stop(), killAllTracked()]).then(() => process.exit(130)));
  }
  try {
    const machine = await machineInfo();
    nats = await startNats();
    const measured = await run(nats, args);
    const command = `npm run bench -- --only audit${process.argv.length > 2 ? ` ${process.argv.slice(2).join(' ')}` : ''}`;
    const report = renderAuditReport({ date: new Date().toISOString(), command, durationMs: Date.now() - benchStart, machine, quick: args.quick, inFlight: IN_FLIGHT, checkpointPolicy: CHECKPOINT_POLICY, eventsAsked: args.events, loadAverage: loadAverage(), ...measured });
    process.stdout.write(`\n${report}\n`);
    if (args.writeDocs) {
      const file = join(REPO_ROOT, 'docs', 'benchmarks.md');
      writeMarkedSection(file, AUDIT_BEGIN, AUDIT_END, report);
      log(`wrote ${file}`);
    }
  } finally {
    await nats?.stop().catch(() => undefined);
    await killAllTracked();
    rmSync(workDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    process.stderr.write(`audit bench failed: ${error.stack ?? error.message}\n`);
    process.exit(1);
  },
);
