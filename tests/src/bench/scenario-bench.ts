/**
 * DNS failure scenario benchmark (`npm run bench -- --only scenario [--quick] [--write-docs|--no-docs]`). Not a test:
 * it measures and reports, it never fails on timing. On one edge lab it first times the fix's underlying steps by hand
 * (ddclient, Caddy's retry, pebble's issuance), then runs the whole scenario again and again against all-in-one Jarvis,
 * granting each approval at once, and times every step from the event store. Everything it starts is stopped by PID.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { JarvisEvent, JarvisEventOf } from '@jarvis/contracts';
import { FIX_DDCLIENT, REMEDIATE_SSL, RESTORE_DDCLIENT_CREDENTIALS } from '@jarvis/registry';
import {
  SCENARIO_CADDY,
  SCENARIO_DDCLIENT,
  SCENARIO_INTERVALS,
  SCENARIO_TLS,
  breakSecretInConfig,
  grantApproval,
  jarvisApi,
  loseRecordAndRunDdclient,
  prepareScenarioFiles,
  restartCaddyUntilOrderFails,
  scenarioConfig,
  scheduledRun,
  type ScenarioFiles,
} from '../lab/dns-scenario.js';
import { PEBBLE_ENV, startEdgeLab, type EdgeLab } from '../lab/edge-lab.js';
import { startDockerd, type DockerHarness } from '../support/docker-harness.js';
import { EventReader } from '../support/event-reader.js';
import { REPO_ROOT, startJarvis, type JarvisDeployment } from '../support/jarvis-harness.js';
import { startNats, type NatsHarness } from '../support/nats-harness.js';
import { killAllTracked, waitFor } from '../support/processes.js';
import { loadAverage, machineInfo } from './machine.js';
import { writeMarkedSection } from './report.js';
import { measureFloor } from './scenario-floors.js';
import { SCENARIO_BEGIN, SCENARIO_END, mttd, mttrWithoutApproval, renderScenarioReport, type FloorRun, type OtherCase, type ScenarioRun } from './scenario-report.js';

const DETECTION_TIMEOUT_MS = 120_000;
const APPROVAL_TIMEOUT_MS = 180_000;
const RESOLUTION_TIMEOUT_MS = 420_000;
const CLEAN_TIMEOUT_MS = 240_000;
/** Each run takes two actions on ddclient (the forced update, the restore): the default breaker stops a third run. */
const BENCH_POLICY = ['rateLimit: { maxActions: 600, windowSeconds: 60 }', 'breaker: { maxAttempts: 1000, windowSeconds: 600 }'];
const dnsTarget = (edge: EdgeLab) => `dns_record:${edge.hosts[0]!}`;

const benchStart = Date.now();

function log(message: string): void {
  process.stderr.write(`[scenario-bench +${((Date.now() - benchStart) / 1000).toFixed(1).padStart(6)}s] ${message}\n`);
}

type Harness = { edge: EdgeLab; files: ScenarioFiles; jarvis: JarvisDeployment; reader: EventReader };

async function oneRun(index: number, h: Harness): Promise<ScenarioRun> {
  const { edge, files, jarvis, reader } = h;
  const run: ScenarioRun = { index, faultMs: Date.now() };
  const since = new Date(run.faultMs).toISOString();
  try {
    breakSecretInConfig(edge);
    await loseRecordAndRunDdclient(edge, files.log);
    await reader.waitForEvent('ConsequenceLinked', (e) => e.subject === dnsTarget(edge) && e.time >= since, DETECTION_TIMEOUT_MS);
    await restartCaddyUntilOrderFails(edge);
    run.caddyOrderFailedMs = Date.now();
    const wanted = (e: JarvisEventOf<'ApprovalRequested'>) => e.subject === SCENARIO_DDCLIENT && e.data.action === RESTORE_DDCLIENT_CREDENTIALS && e.time >= since;
    const request = await reader.waitForEvent('ApprovalRequested', wanted, APPROVAL_TIMEOUT_MS);
    run.grantPostedMs = Date.now();
    const granted = await grantApproval(jarvis, request, 'scenario-bench');
    run.grantAnsweredMs = Date.now();
    if (granted.status !== 202) throw new Error(`the grant was answered ${granted.status}: ${JSON.stringify(granted.body)}`);
    run.incidentId = request.correlationId;
    const resolved = await reader.waitForEvent('IncidentResolved', (e) => e.correlationId === request.correlationId, RESOLUTION_TIMEOUT_MS);
    run.resolution = resolved.data.resolution;
    if (resolved.data.resolution !== 'remediated') run.error = `resolved as ${resolved.data.resolution}: ${resolved.data.reason}`;
  } catch (error) {
    run.error = (error as Error).message.split('\n')[0]!.slice(0, 300);
  }
  return run;
}

/**
 * Fills in each run's steps once every run is over, from the events between its fault and the next run's: a symptom's
 * own incident may close only after the root's, and the next run starts only once every check passes again.
 */
function fromStoreAfterwards(runs: ScenarioRun[], edge: EdgeLab, events: JarvisEvent[]): void {
  runs.forEach((run, i) => {
    const next = runs[i + 1]?.faultMs ?? Infinity;
    fromStore(run, edge, events.filter((e) => Date.parse(e.time) >= run.faultMs && Date.parse(e.time) < next));
  });
}

function fromStore(run: ScenarioRun, edge: EdgeLab, sinceFault: JarvisEvent[]): void {
  const incident = sinceFault.filter((e) => e.correlationId === run.incidentId);
  const first = <T extends JarvisEvent['type']>(type: T, wanted: (e: JarvisEventOf<T>) => boolean = () => true) =>
    incident.find((e): e is JarvisEventOf<T> => e.type === type && wanted(e as JarvisEventOf<T>));
  const at = (event: JarvisEvent | undefined) => (event ? Date.parse(event.time) : undefined);
  const labTargets = new Set([SCENARIO_DDCLIENT, SCENARIO_CADDY, SCENARIO_TLS, dnsTarget(edge)]);
  const anyDetection = sinceFault.find((e) => e.type === 'DetectionRecorded' && labTargets.has(e.subject));
  run.firstDetectionMs = at(anyDetection);
  run.firstDetectionSubject = anyDetection?.subject;
  run.rootDetectionMs = at(first('DetectionRecorded', (e) => e.subject === SCENARIO_DDCLIENT));
  run.otherCases = otherCases(sinceFault, run.incidentId, run.rootDetectionMs);
  run.openedMs = at(first('IncidentOpened'));
  run.approvalRequestedMs = at(first('ApprovalRequested'));
  run.approvalGrantedMs = at(first('ApprovalGranted'));
  run.forcedUpdateFailedMs = at(first('ActionFailed', (e) => e.data.action === FIX_DDCLIENT));
  run.configAppliedMs = at(first('ConfigApplied'));
  run.restoreSucceededMs = at(first('ActionSucceeded', (e) => e.data.action === RESTORE_DDCLIENT_CREDENTIALS));
  run.dnsRecoveredMs = at(first('ConsequenceRecovered', (e) => e.subject === dnsTarget(edge)));
  run.sslStartedMs = at(first('ActionStarted', (e) => e.data.action === REMEDIATE_SSL));
  run.sslSucceededMs = at(first('ActionSucceeded', (e) => e.data.action === REMEDIATE_SSL));
  run.tlsRecoveredMs = at(first('ConsequenceRecovered', (e) => e.subject === SCENARIO_TLS));
  run.resolvedMs = at(first('IncidentResolved'));
}

/** Incidents opened after the fault besides the root's: symptoms detected before it, or anything else that failed meanwhile. */
function otherCases(sinceFault: JarvisEvent[], rootIncident: string | undefined, rootDetectionMs: number | undefined): OtherCase[] {
  const opened = sinceFault.filter((e): e is JarvisEventOf<'IncidentOpened'> => e.type === 'IncidentOpened' && e.correlationId !== rootIncident);
  return opened.map((o) => {
    const own = sinceFault.filter((e) => e.correlationId === o.correlationId);
    const resolved = own.find((e): e is JarvisEventOf<'IncidentResolved'> => e.type === 'IncidentResolved');
    return {
      subject: o.subject,
      check: o.data.check,
      openedMs: Date.parse(o.time),
      beforeRoot: rootDetectionMs !== undefined && Date.parse(o.time) <= rootDetectionMs,
      escalated: own.some((e) => e.type === 'IncidentEscalated'),
      resolution: resolved?.data.resolution,
    };
  });
}

/** Every check of the lab's four targets passes now: the state each run starts from. */
async function labIsClean(h: Harness): Promise<boolean> {
  const reply = await jarvisApi(h.jarvis, 'POST', '/diagnose');
  const targets = new Set([SCENARIO_DDCLIENT, SCENARIO_CADDY, SCENARIO_TLS, dnsTarget(h.edge)]);
  const results = (reply.body as { results?: { target: string; status: string }[] }).results ?? [];
  const ours = results.filter((r) => targets.has(r.target));
  return ours.length > 0 && ours.every((r) => r.status === 'ok') && new Set(ours.map((r) => r.target)).size === targets.size;
}

/** After a run that did not resolve: the good secret, the record published, Caddy told to retry. */
async function repairByHand(h: Harness): Promise<void> {
  await publishFromScratch(h.edge, h.files);
  await h.edge.caddyRetry();
}

async function waitUntilClean(h: Harness): Promise<void> {
  await waitFor('every check of the lab to pass', () => labIsClean(h), CLEAN_TIMEOUT_MS, 2000);
  await sleep(SCENARIO_INTERVALS.ddclientSeconds * 1000);
}

async function measureFloors(edge: EdgeLab, count: number, caFile: string): Promise<FloorRun[]> {
  const floors: FloorRun[] = [];
  for (let i = 1; i <= count; i++) {
    const floor = await measureFloor(edge, i, caFile);
    floors.push(floor);
    log(`floor ${i}/${count}: ddclient → record ${floor.ddclientToRecordMs ?? '?'} ms, Caddy retry → served ${floor.caddyRetryToServedMs ?? '?'} ms, order ${floor.orderMs ?? '?'} ms${floor.error ? `: ${floor.error}` : ''}`);
  }
  return floors;
}

/** The state Jarvis starts from in the end-to-end test: ddclient's last scheduled run published the record. */
async function publishFromScratch(edge: EdgeLab, files: ScenarioFiles): Promise<void> {
  edge.fixSecret();
  await edge.deleteRecord(edge.hosts[0]!);
  writeFileSync(edge.paths.ddclientCache, '');
  await scheduledRun(edge, files.log);
}

function parseArgs(argv: string[]): { quick: boolean; writeDocs: boolean } {
  for (const arg of argv) {
    if (!['--quick', '--write-docs', '--no-docs'].includes(arg)) {
      process.stderr.write(`unknown argument "${arg}"\nusage: npm run bench -- --only scenario [--quick] [--write-docs|--no-docs]\n`);
      process.exit(2);
    }
  }
  const quick = argv.includes('--quick');
  return { quick, writeDocs: argv.includes('--no-docs') ? false : argv.includes('--write-docs') || !quick };
}

async function main(): Promise<void> {
  const { quick, writeDocs } = parseArgs(process.argv.slice(2));
  const runs = quick ? 2 : 10;
  const floorCount = quick ? 1 : 5;
  let edge: EdgeLab | undefined;
  let nats: NatsHarness | undefined;
  let dockerd: DockerHarness | undefined;
  let jarvis: JarvisDeployment | undefined;
  let reader: EventReader | undefined;
  const folders: string[] = [];
  try {
    edge = await startEdgeLab({ dir: mkdtempSync(join(tmpdir(), 'jarvis-scenario-bench-')) });
    folders.push(edge.paths.dir);
    const files = await prepareScenarioFiles(edge, 'jarvis-scenario-bench');
    folders.push(files.backups, files.caDir);
    const caFile = join(files.caDir, 'pebble-root.pem');
    log(`edge lab up in ${edge.paths.dir}; ${floorCount} floor measurement(s) without Jarvis`);
    const floors = await measureFloors(edge, floorCount, caFile);
    await publishFromScratch(edge, files);
    [nats, dockerd] = await Promise.all([startNats(), startDockerd()]);
    const machine = await machineInfo(dockerd.docker);
    const config = scenarioConfig(edge, files, BENCH_POLICY);
    const env = { OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: '', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '' };
    jarvis = await startJarvis('all-in-one', { natsUrl: nats.url, dockerHost: dockerd.host, config, env });
    reader = await EventReader.open(nats.url);
    const h: Harness = { edge, files, jarvis, reader };
    await reader.waitForEvent('ConfigKnownGoodRecorded', (e) => e.subject === SCENARIO_DDCLIENT, DETECTION_TIMEOUT_MS);
    log(`Jarvis keeps a known-good copy of ddclient.conf; ${runs} runs`);
    const results: ScenarioRun[] = [];
    for (let i = 1; i <= runs; i++) {
      await waitUntilClean(h).catch((error: Error) => log(`the lab is not clean before run ${i}: ${error.message.split('\n')[0]}`));
      const run = await oneRun(i, h);
      results.push(run);
      log(`run ${String(i).padStart(2)}/${runs}: ${run.error ?? `resolved ${run.resolution}`}`);
      if (run.error) await repairByHand(h).catch((error: Error) => log(`repair by hand failed: ${error.message}`));
    }
    await waitUntilClean(h).catch((error: Error) => log(`the lab is not clean after the last run: ${error.message.split('\n')[0]}`));
    fromStoreAfterwards(results, edge, await reader.events());
    for (const run of results) log(`run ${String(run.index).padStart(2)}: MTTD ${mttd(run) ?? '?'} ms, MTTR without the approval wait ${mttrWithoutApproval(run) ?? '?'} ms`);
    const errorLines = jarvis.logs().split('\n').filter((l) => /\bERROR\b/.test(l));
    const report = renderScenarioReport({
      date: new Date(benchStart).toISOString(),
      command: `npm run bench -- --only scenario${quick ? ' --quick' : ''}`,
      durationMs: Date.now() - benchStart,
      machine,
      config: config.trim(),
      intervals: SCENARIO_INTERVALS,
      pebbleEnv: PEBBLE_ENV,
      runs: results,
      floors,
      errorLines: errorLines.slice(0, 20),
      loadAverage: loadAverage(),
    });
    process.stdout.write(`\n${report}\n`);
    if (writeDocs) {
      const file = join(REPO_ROOT, 'docs', 'benchmarks.md');
      writeMarkedSection(file, SCENARIO_BEGIN, SCENARIO_END, report);
      log(`wrote ${file}`);
    }
  } finally {
    await reader?.close().catch(() => undefined);
    await jarvis?.stop().catch(() => undefined);
    await dockerd?.stop().catch(() => undefined);
    await nats?.stop().catch(() => undefined);
    await edge?.stop().catch(() => undefined);
    await killAllTracked();
    for (const folder of folders) rmSync(folder, { recursive: true, force: true });
    log(`done in ${((Date.now() - benchStart) / 1000).toFixed(0)} s; everything the bench started is stopped`);
  }
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    process.stderr.write(`scenario bench failed: ${error.stack ?? error.message}\n`);
    process.exit(1);
  },
);
