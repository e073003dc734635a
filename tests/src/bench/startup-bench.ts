/**
 * Start-up benchmark (`npm run bench -- --only startup`): start-up time and RSS of all-in-one Jarvis with 10k, 100k
 * and 1M events in the log, without a snapshot (a full replay) and with one. Not a test: it never fails on timing.
 *
 *   --sizes 10000,100000   log sizes to measure (default 10000,100000,1000000)
 *   --no-docs | --write-docs   docs/benchmarks.md is written by default unless --sizes is given
 */
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { AckPolicy, DeliverPolicy, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { EVENT_STREAM_NAME } from '@jarvis/contracts';
import { JetStreamEventLog, JetStreamSnapshotStore } from '@jarvis/event-log';
import { startDockerd, type DockerHarness } from '../support/docker-harness.js';
import { JARVIS_BIN, REPO_ROOT } from '../support/jarvis-harness.js';
import { startNats, type NatsHarness } from '../support/nats-harness.js';
import { killAllTracked, spawnTracked, waitFor } from '../support/processes.js';
import { assertHistoryValid, history, publishHistory } from './event-history.js';
import { machineInfo } from './machine.js';
import { writeMarkedSection } from './report.js';
import { renderStartupReport, STARTUP_BEGIN, STARTUP_END, type SizeResult, type StartSample } from './startup-report.js';

const DEFAULT_SIZES = [10_000, 100_000, 1_000_000];
const SETTLE_MS = 3_000;
/** A full replay of a million events took minutes before snapshots: wait long, but not for ever. */
const START_DEADLINE_MS = 30 * 60_000;
const PROCESSORS = ['jarvis-monitor', 'jarvis-policy', 'jarvis-executor', 'jarvis-config-editor', 'jarvis-audit'];
const benchStart = Date.now();
const workDir = mkdtempSync(join(tmpdir(), 'jarvis-startup-bench-'));

function log(message: string): void {
  process.stderr.write(`[startup-bench +${((Date.now() - benchStart) / 1000).toFixed(1).padStart(6)}s] ${message}\n`);
}

function parseArgs(argv: string[]): { sizes: number[]; writeDocs: boolean } {
  let sizes = DEFAULT_SIZES;
  let sizesGiven = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--sizes') {
      sizes = (argv[++i] ?? '').split(',').map(Number);
      sizesGiven = true;
      if (sizes.some((n) => !Number.isInteger(n) || n < 100 || n > 10_000_000)) usage(`--sizes: give event counts from 100 to 10000000, comma-separated`);
    } else if (arg !== '--no-docs' && arg !== '--write-docs') usage(`unknown argument "${arg}"`);
  }
  const writeDocs = argv.includes('--no-docs') ? false : argv.includes('--write-docs') || !sizesGiven;
  return { sizes, writeDocs };
}

function usage(problem: string): never {
  process.stderr.write(`${problem}\nusage: npm run bench -- --only startup [--sizes 10000,100000] [--write-docs|--no-docs]\n`);
  process.exit(2);
}

function statusKib(pid: number, key: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`^${key}:\\s+(\\d+)\\s+kB$`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no ${key} for pid ${pid}`);
  return Number(match[1]);
}

let launches = 0;

/** One start of all-in-one Jarvis, measured, then stopped with SIGTERM (which writes the snapshots). */
async function measuredStart(natsUrl: string, dockerHost: string): Promise<StartSample & { log: string }> {
  launches += 1;
  const configFile = join(workDir, 'jarvis.yaml');
  writeFileSync(configFile, 'logLevel: log\n');
  const spawnedAt = Date.now();
  const proc = spawnTracked(process.execPath, [JARVIS_BIN, 'start'], {
    env: { ...process.env, NATS_URL: natsUrl, DOCKER_HOST: dockerHost, JARVIS_CONFIG: configFile, JARVIS_HTTP_PORT: '0', JARVIS_DATA_DIR: join(workDir, 'data') },
    logFile: join(workDir, `jarvis-${launches}.log`),
    cwd: REPO_ROOT,
  });
  await waitFor('jarvis to log that it started', () => {
    if (proc.child.exitCode !== null) throw new Error(`exited with ${proc.child.exitCode}:\n${proc.log()}`);
    return proc.log().includes('started ');
  }, START_DEADLINE_MS, 20);
  const startupMs = Date.now() - spawnedAt;
  await sleep(SETTLE_MS);
  const sample = { startupMs, rssKib: statusKib(proc.pid, 'VmRSS'), peakKib: statusKib(proc.pid, 'VmHWM') };
  const code = await proc.stop('SIGTERM', 120_000);
  if (code !== 0) log(`jarvis exited with ${code} after SIGTERM`);
  const text = proc.log().replace(/\u001b\[[0-9;]*m/g, '');
  const startedFrom = text.split('\n').filter((l) => /snapshot|read \d+ events from seq/.test(l)).map((l) => l.replace(/^.*\] /, ''));
  return { ...sample, startedFrom, log: text };
}

/**
 * The services' durable consumers, created past the generated history: as in a deployment that has been running,
 * each service has handled every event already, so a start costs what it costs the state, not a first catch-up.
 */
async function consumersCaughtUp(nc: NatsConnection): Promise<void> {
  const jsm = await jetstreamManager(nc);
  for (const durable of PROCESSORS) {
    await jsm.consumers.add(EVENT_STREAM_NAME, { durable_name: durable, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.New });
  }
}

async function snapshotSizes(natsUrl: string): Promise<Record<string, number>> {
  const nc = await connect({ servers: [natsUrl] });
  try {
    const store = await JetStreamSnapshotStore.open(nc);
    const sizes: Record<string, number> = {};
    for (const name of PROCESSORS) sizes[name] = (await store.load(name))?.length ?? 0;
    return sizes;
  } finally {
    await nc.close();
  }
}

async function measureSize(events: number, dockerHost: string): Promise<SizeResult> {
  const nats: NatsHarness = await startNats();
  try {
    const nc = await connect({ servers: [nats.url] });
    await JetStreamEventLog.open(nc);
    const generatedAt = Date.now();
    const seed = `size-${events}`;
    const published = await publishHistory(nc, history({ events, containers: 500, openIncidents: 5, startMs: Date.UTC(2024, 0, 1) }, seed));
    const generateMs = Date.now() - generatedAt;
    await consumersCaughtUp(nc);
    await nc.close();
    log(`${events}: ${published} events published in ${(generateMs / 1000).toFixed(1)} s; starting Jarvis with no snapshot`);
    const before = await measuredStart(nats.url, dockerHost);
    log(`${events}: before: started in ${before.startupMs} ms, RSS ${(before.rssKib / 1024).toFixed(0)} MiB; starting again with the snapshots`);
    const snapshotBytes = await snapshotSizes(nats.url);
    const after = await measuredStart(nats.url, dockerHost);
    log(`${events}: after: started in ${after.startupMs} ms, RSS ${(after.rssKib / 1024).toFixed(0)} MiB`);
    const snapshotWarnings = [before.log, after.log].flatMap((t) => t.split('\n').filter((l) => /WARN.*snapshot/.test(l)).map((l) => l.replace(/^.*\] /, '')));
    const strip = ({ log: _log, ...sample }: StartSample & { log: string }): StartSample => sample;
    return { events: published, generateMs, before: strip(before), after: strip(after), snapshotBytes, snapshotWarnings };
  } finally {
    await nats.stop();
  }
}

async function main(): Promise<void> {
  const { sizes, writeDocs } = parseArgs(process.argv.slice(2));
  assertHistoryValid('check');
  let dockerd: DockerHarness | undefined;
  // Interrupted, it still stops what it started (by PID) before it exits.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void Promise.allSettled([dockerd?.stop(), killAllTracked()]).then(() => process.exit(130)));
  }
  try {
    dockerd = await startDockerd();
    const machine = await machineInfo(dockerd.docker);
    const results: SizeResult[] = [];
    for (const size of sizes) results.push(await measureSize(size, dockerd.host));
    const command = `npm run bench -- --only startup${process.argv.length > 2 ? ` ${process.argv.slice(2).join(' ')}` : ''}`;
    const report = renderStartupReport({ date: new Date().toISOString(), command, durationMs: Date.now() - benchStart, machine, settleMs: SETTLE_MS, sizes: results });
    process.stdout.write(`\n${report}\n`);
    if (writeDocs) {
      const file = join(REPO_ROOT, 'docs', 'benchmarks.md');
      writeMarkedSection(file, STARTUP_BEGIN, STARTUP_END, report);
      log(`wrote ${file}`);
    }
    log(`Jarvis logs: ${workDir}`);
  } finally {
    await dockerd?.stop().catch(() => undefined);
    await killAllTracked();
  }
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    process.stderr.write(`startup bench failed: ${error.stack ?? error.message}\n`);
    process.exit(1);
  },
);
