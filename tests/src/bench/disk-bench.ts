/**
 * Disk-crisis benchmark (`npm run bench -- --only disk [--quick] [--write-docs|--no-docs]`). Not a test: it measures
 * and reports, it never fails on timing. A tmpfs mounted by the bench is filled past 80% with week-old temp files
 * while all-in-one Jarvis watches it, again and again; each run is timed from the fill crossing the threshold to the
 * incident's IncidentResolved, step by step from the event store. Everything it starts or mounts is undone.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmdirSync, statfsSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { JarvisEvent, JarvisEventOf } from '@jarvis/contracts';
import { startDockerd, type DockerHarness } from '../support/docker-harness.js';
import { EventReader } from '../support/event-reader.js';
import { REPO_ROOT, startJarvis, type JarvisDeployment } from '../support/jarvis-harness.js';
import { startNats, type NatsHarness } from '../support/nats-harness.js';
import { killAllTracked } from '../support/processes.js';
import { Mounts } from '../support/tmpfs.js';
import { DISK_BEGIN, DISK_END, renderDiskReport, type DiskRun } from './disk-report.js';
import { loadAverage, machineInfo } from './machine.js';
import { writeMarkedSection } from './report.js';

const MIB = 1_048_576;
const TMPFS_MIB = 10;
const FILE_MIB = 1;
const FILES = 9;
const WARN_PERCENT = 80;
const OLD_MS = 10 * 86_400_000;
const BETWEEN_RUNS_MS = 3_000;
const RUN_TIMEOUT_MS = 60_000;

const configFor = (mount: string) => `
disks:
  - mount: ${mount}
    warnPercent: ${WARN_PERCENT}
    intervalSeconds: 1
    tmpFolders: [${mount}/tmp]
probes:
  failuresBeforeDetection: 2
  passesBeforeRecovery: 2
policy:
  rateLimit: { maxActions: 600, windowSeconds: 60 }
  breaker: { maxAttempts: 1000, windowSeconds: 600 }
verification:
  timeoutSeconds: 10
`;

const benchStart = Date.now();

function log(message: string): void {
  process.stderr.write(`[disk-bench +${((Date.now() - benchStart) / 1000).toFixed(1).padStart(6)}s] ${message}\n`);
}

function usedPercent(mount: string): number {
  const s = statfsSync(mount);
  const used = (s.blocks - s.bfree) * s.bsize;
  return (100 * used) / (used + s.bavail * s.bsize);
}

/** Writes the old temp files; returns the bench clock right after the write that crossed the threshold. */
function fill(folder: string, mount: string, run: number): number {
  let crossedMs = NaN;
  const at = new Date(Date.now() - OLD_MS);
  for (let i = 0; i < FILES; i++) {
    const path = join(folder, `run${run}-${i}.bin`);
    writeFileSync(path, Buffer.alloc(FILE_MIB * MIB, 7));
    utimesSync(path, at, at);
    if (Number.isNaN(crossedMs) && usedPercent(mount) >= WARN_PERCENT) crossedMs = Date.now();
  }
  return crossedMs;
}

async function oneRun(index: number, mount: string, folder: string, reader: EventReader, known: Set<string>): Promise<DiskRun> {
  const subject = `disk:${mount}`;
  const crossedMs = fill(folder, mount, index);
  const run: DiskRun = { index, crossedMs, usedPercentAfterFill: usedPercent(mount) };
  try {
    const resolved = await reader.waitForEvent('IncidentResolved', (e) => e.subject === subject && !known.has(e.correlationId), RUN_TIMEOUT_MS);
    known.add(resolved.correlationId);
    run.incidentId = resolved.correlationId;
    run.resolution = resolved.data.resolution;
    fromStore(run, await reader.events((e) => e.correlationId === resolved.correlationId));
    run.usedPercentAfter = usedPercent(mount);
    const left = readdirSync(folder);
    if (resolved.data.resolution !== 'remediated') run.error = `resolved as ${resolved.data.resolution}: ${resolved.data.reason}`;
    else if (left.length > 0) run.error = `files left in the whitelisted folder: ${left.join(', ')}`;
  } catch (error) {
    run.error = (error as Error).message.split('\n')[0]!.slice(0, 300);
  }
  return run;
}

function fromStore(run: DiskRun, events: JarvisEvent[]): void {
  const first = <T extends JarvisEvent['type']>(type: T) => events.find((e) => e.type === type) as JarvisEventOf<T> | undefined;
  const at = (event: JarvisEvent | undefined) => (event ? Date.parse(event.time) : undefined);
  const detection = first('DetectionRecorded');
  run.firstFailingReadingMs = detection ? Date.parse(detection.data.faultAt) : undefined;
  run.detectionMs = at(detection);
  run.decidedMs = at(first('RemediationDecided'));
  run.actionStartedMs = at(first('ActionStarted'));
  const succeeded = first('ActionSucceeded');
  run.actionSucceededMs = at(succeeded);
  run.bytesFreed = succeeded ? Number(succeeded.data.details['bytesFreed']) : undefined;
  run.verifiedMs = at(first('VerificationPassed'));
  run.resolvedMs = at(first('IncidentResolved'));
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  for (const arg of argv) {
    if (!['--quick', '--write-docs', '--no-docs'].includes(arg)) {
      process.stderr.write(`unknown argument "${arg}"\nusage: npm run bench -- --only disk [--quick] [--write-docs|--no-docs]\n`);
      process.exit(2);
    }
  }
  const quick = argv.includes('--quick');
  const writeDocs = argv.includes('--no-docs') ? false : argv.includes('--write-docs') || !quick;
  const runs = quick ? 5 : 20;

  const base = mkdtempSync(join(tmpdir(), 'jarvis-disk-bench-'));
  const mount = join(base, 'disk');
  const mounts = new Mounts();
  let nats: NatsHarness | undefined;
  let dockerd: DockerHarness | undefined;
  let jarvis: JarvisDeployment | undefined;
  let reader: EventReader | undefined;
  const cleanup = async () => {
    await reader?.close().catch(() => undefined);
    await jarvis?.stop().catch(() => undefined);
    await dockerd?.stop().catch(() => undefined);
    await nats?.stop().catch(() => undefined);
    await killAllTracked();
    mounts.unmountAll();
    rmdirSync(mount);
    rmdirSync(base);
  };
  try {
    mounts.tmpfs(mount, `${TMPFS_MIB}m`);
    const folder = join(mount, 'tmp');
    mkdirSync(folder);
    [nats, dockerd] = await Promise.all([startNats(), startDockerd()]);
    const machine = await machineInfo(dockerd.docker);
    const config = configFor(mount);
    const env = { OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: '', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '' };
    jarvis = await startJarvis('all-in-one', { natsUrl: nats.url, dockerHost: dockerd.host, config, env });
    reader = await EventReader.open(nats.url);
    await sleep(BETWEEN_RUNS_MS);
    log(`${runs} runs on a ${TMPFS_MIB} MiB tmpfs at ${mount}`);
    const results: DiskRun[] = [];
    const known = new Set<string>();
    for (let i = 1; i <= runs; i++) {
      const run = await oneRun(i, mount, folder, reader, known);
      results.push(run);
      const total = run.resolvedMs !== undefined ? `${run.resolvedMs - run.crossedMs} ms` : 'not resolved';
      log(`run ${String(i).padStart(2)}/${runs}: ${run.usedPercentAfterFill.toFixed(1)}% → ${run.usedPercentAfter?.toFixed(1) ?? '?'}%, freed and verified in ${total}${run.error ? `: ${run.error}` : ''}`);
      if (run.error) for (const name of readdirSync(folder)) unlinkSync(join(folder, name));
      await sleep(BETWEEN_RUNS_MS);
    }
    const errorLines = jarvis.logs().split('\n').filter((l) => /\bERROR\b/.test(l));
    const report = renderDiskReport({
      date: new Date(benchStart).toISOString(),
      command: `npm run bench${quick ? ' -- --only disk --quick' : ''}`,
      durationMs: Date.now() - benchStart,
      machine,
      config: config.trim(),
      tmpfsMib: TMPFS_MIB,
      warnPercent: WARN_PERCENT,
      fileMib: FILE_MIB,
      files: FILES,
      runs: results,
      errorLines: errorLines.slice(0, 20),
      loadAverage: loadAverage(),
    });
    process.stdout.write(`\n${report}\n`);
    if (writeDocs) {
      const file = join(REPO_ROOT, 'docs', 'benchmarks.md');
      writeMarkedSection(file, DISK_BEGIN, DISK_END, report);
      log(`wrote ${file}`);
    }
  } finally {
    await cleanup();
    log(`done in ${((Date.now() - benchStart) / 1000).toFixed(0)} s; everything the bench started is stopped and unmounted`);
  }
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    process.stderr.write(`disk bench failed: ${error.stack ?? error.message}\n`);
    process.exit(1);
  },
);
