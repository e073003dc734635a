/**
 * Healing benchmark (`npm run bench`, or `npm run bench -- --quick` for a smoke run). Not a test: it measures and
 * reports, it never fails on timing. It fails (exit code 1) only when it cannot run at all.
 *
 * One nats-server and one private dockerd (the test harnesses), Jarvis all-in-one with the bench config below, then:
 *   1. idle RSS of Jarvis split (6 processes) and all-in-one;
 *   2. crashes: the main process of a watched container is SIGKILLed from the host, one crash at a time, each
 *      waited for until its incident resolves (MTTD, MTTR restart, MTTR verified);
 *   3. hangs: a watched container's HEALTHCHECK starts failing (its probe file is removed), one at a time;
 *   4. baseline: the same SIGKILL on unwatched containers with Docker's own `restart: always` policy, on the same
 *      engine while Jarvis runs, each container crashed at least 11 s after its last start so Docker's backoff is
 *      back at its 100 ms minimum;
 *   5. reflex: the same SIGKILL on unwatched containers that the bench itself starts the moment their `die` event
 *      arrives: a bare `docker start`, the floor for any event-driven healer.
 * Results go to stdout and (full runs, or with --write-docs) to docs/benchmarks.md, in the section this owns.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { connect, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { decodeEvent, EVENT_SUBJECT_PREFIX, type JarvisEvent } from '@jarvis/contracts';
import type Docker from 'dockerode';
import { crashMainProcess, execIn, runContainer, startDockerd, TEST_IMAGE, waitRunning, type DockerHarness } from '../support/docker-harness.js';
import { EventReader } from '../support/event-reader.js';
import { REPO_ROOT, startJarvis, type JarvisDeployment } from '../support/jarvis-harness.js';
import { startNats, type NatsHarness } from '../support/nats-harness.js';
import { killAllTracked, waitFor } from '../support/processes.js';
import { loadAverage, machineInfo, rssKib } from './machine.js';
import { renderReport, writeDocsSection, type BenchResults, type Plan, type CrashSample, type DockerSample, type ReflexSample, type RssResult } from './report.js';
import { parseDockerTime } from './stats.js';

export const BENCH_CONFIG = `
watch:
  reconcileIntervalSeconds: 30
policy:
  rateLimit: { maxActions: 600, windowSeconds: 60 }
  breaker: { maxAttempts: 1000, windowSeconds: 600 }
  backoff: { initialMs: 1000, maxMs: 300000 }
executor:
  restartStopTimeoutSeconds: 1
verification:
  stableForMs: 1000
  timeoutSeconds: 30
`;


const FULL: Plan = {
  quick: false,
  crashes: 50,
  crashContainers: 5,
  hangs: 20,
  hangContainers: 4,
  hangRetries: 1,
  dockerContainers: 10,
  dockerCrashesEach: 5,
  dockerMinUptimeMs: 11_000,
  dockerSpacingMs: 12_000,
  reflexContainers: 5,
  reflexCrashesEach: 10,
  idleWaitMs: 5_000,
  settleMs: 300,
  hardDeadlineMs: 20 * 60_000,
};

const QUICK: Plan = { ...FULL, quick: true, crashes: 10, hangs: 5, hangContainers: 2, dockerContainers: 2, dockerCrashesEach: 3, reflexContainers: 2, reflexCrashesEach: 3, hardDeadlineMs: 8 * 60_000 };

/** A phase stops after this many faults in a row that did not heal: the rest would only add timeouts. */
const MAX_CONSECUTIVE_FAILURES = 3;

const benchStart = Date.now();
let deadline = Number.POSITIVE_INFINITY;

function log(message: string): void {
  process.stderr.write(`[bench +${((Date.now() - benchStart) / 1000).toFixed(1).padStart(6)}s] ${message}\n`);
}

function checkDeadline(): void {
  if (Date.now() > deadline) throw new Error(`the bench ran past its hard deadline (${Math.round((deadline - benchStart) / 60_000)} min)`);
}

function parseArgs(argv: string[]): { plan: Plan; writeDocs: boolean } {
  const known = new Set(['--quick', '--write-docs', '--no-docs']);
  for (const arg of argv) {
    if (!known.has(arg)) {
      process.stderr.write(`unknown argument "${arg}"\nusage: npm run bench [-- --quick] [--write-docs|--no-docs]\n`);
      process.exit(2);
    }
  }
  const quick = argv.includes('--quick');
  const writeDocs = argv.includes('--no-docs') ? false : argv.includes('--write-docs') || !quick;
  return { plan: quick ? QUICK : FULL, writeDocs };
}

/** Every stored event as it is published (a core subscription on the stream's subjects), de-duplicated by id. */
class EventTap {
  readonly events: JarvisEvent[] = [];
  private readonly seen = new Set<string>();

  private constructor(
    private readonly nc: NatsConnection,
    private readonly sub: Subscription,
  ) {}

  static async open(url: string): Promise<EventTap> {
    const nc = await connect({ servers: [url], name: 'healing-bench' });
    const tap = new EventTap(nc, nc.subscribe(`${EVENT_SUBJECT_PREFIX}.>`));
    void tap.pump();
    await nc.flush();
    return tap;
  }

  private async pump(): Promise<void> {
    for await (const msg of this.sub) {
      const decoded = decodeEvent(msg.data);
      if (decoded.ok && !this.seen.has(decoded.value.id)) {
        this.seen.add(decoded.value.id);
        this.events.push(decoded.value);
      }
    }
  }

  wait(what: string, match: (e: JarvisEvent) => boolean, timeoutMs: number): Promise<JarvisEvent> {
    return waitFor(what, () => this.events.find(match), timeoutMs, 20);
  }

  async close(): Promise<void> {
    await this.nc.close();
  }
}

/** The engine's own `die` events (engine time), to split a crash's detection into Docker's share and Jarvis's. */
class DieTap {
  private readonly deaths: { name: string; atMs: number }[] = [];
  private readonly waiting: { name: string; afterMs: number; resolve: (atMs: number) => void }[] = [];

  private constructor(private readonly stream: NodeJS.ReadableStream & { destroy(): void }) {}

  static async open(docker: Docker): Promise<DieTap> {
    const stream = (await docker.getEvents({ filters: { type: ['container'], event: ['die'] } })) as NodeJS.ReadableStream & { destroy(): void };
    const tap = new DieTap(stream);
    let buffer = '';
    stream.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      const lines = buffer.split('\n');
      buffer = lines.pop()!;
      for (const line of lines.filter((l) => l.trim())) {
        const raw = JSON.parse(line) as { timeNano: number; Actor: { Attributes: { name: string } } };
        tap.record(raw.Actor.Attributes.name, raw.timeNano / 1e6);
      }
    });
    return tap;
  }

  private record(name: string, atMs: number): void {
    this.deaths.push({ name, atMs });
    for (const waiter of this.waiting.filter((w) => w.name === name && atMs >= w.afterMs)) {
      this.waiting.splice(this.waiting.indexOf(waiter), 1);
      waiter.resolve(atMs);
    }
  }

  /** Resolves the moment the first `die` of `name` at or after `afterMs` arrives (engine time), or at once if it has. */
  next(name: string, afterMs: number, timeoutMs: number): Promise<number> {
    const seen = this.firstAfter(name, afterMs);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no die event for ${name} within ${timeoutMs} ms`)), timeoutMs);
      this.waiting.push({ name, afterMs, resolve: (atMs) => (clearTimeout(timer), resolve(atMs)) });
    });
  }

  firstAfter(name: string, faultMs: number): number | undefined {
    return this.deaths.find((d) => d.name === name && d.atMs >= faultMs)?.atMs;
  }

  close(): void {
    this.stream.destroy();
  }
}

async function startedAtAfter(docker: Docker, name: string, faultMs: number, timeoutMs: number, intervalMs: number): Promise<Docker.ContainerInspectInfo> {
  return waitFor(`${name} running again after the fault`, async () => {
    const info = await docker.getContainer(name).inspect();
    return info.State.Running && parseDockerTime(info.State.StartedAt) > faultMs ? info : undefined;
  }, timeoutMs, intervalMs);
}

/** The end of the first passing probe that started after the container's last start: when it became healthy again. */
function healthyAgainAt(info: Docker.ContainerInspectInfo): number {
  const startedAt = parseDockerTime(info.State.StartedAt);
  const passing = (info.State.Health?.Log ?? [])
    .filter((entry) => entry.ExitCode === 0 && parseDockerTime(entry.Start) >= startedAt)
    .map((entry) => parseDockerTime(entry.End))
    .sort((a, b) => a - b);
  return passing[0] ?? NaN;
}

/** After a fault that did not heal: bring the container back by hand so the next faults can be measured. */
async function recover(docker: Docker, name: string, healthy: boolean): Promise<void> {
  const info = await docker.getContainer(name).inspect().catch(() => undefined);
  if (info && !info.State.Running) await docker.getContainer(name).start().catch(() => undefined);
  if (healthy) await execIn(docker, name, ['touch', '/tmp/ok']).catch(() => undefined);
  await waitRunning(docker, name, healthy, 30_000).catch(() => undefined);
  await sleep(2_000);
}

type FaultKind = 'crash' | 'hang';

async function injectFaults(
  kind: FaultKind,
  count: number,
  names: string[],
  docker: Docker,
  tap: EventTap,
  plan: Plan,
): Promise<CrashSample[]> {
  const samples: CrashSample[] = [];
  const known = new Set<string>(tap.events.map((e) => e.correlationId));
  let consecutiveFailures = 0;
  for (let i = 0; i < count; i++) {
    checkDeadline();
    const name = names[i % names.length]!;
    const subject = `container:${name}`;
    await waitRunning(docker, name, kind === 'hang', 30_000);
    let faultMs: number;
    if (kind === 'crash') {
      faultMs = (await crashMainProcess(docker, name)).getTime();
    } else {
      faultMs = Date.now();
      await execIn(docker, name, ['rm', '/tmp/ok']);
    }
    const sample: CrashSample = { kind, index: i + 1, container: name, faultMs };
    samples.push(sample);
    try {
      const detection = await tap.wait(
        `detection of ${kind} ${i + 1} (${name})`,
        (e) => e.type === 'DetectionRecorded' && e.subject === subject && e.data.status === 'failed' && !known.has(e.correlationId) && Date.parse(e.time) >= faultMs - 1000,
        30_000,
      );
      sample.incidentId = detection.correlationId;
      known.add(detection.correlationId);
      const end = await tap.wait(
        `resolution of ${kind} ${i + 1} (${name})`,
        (e) => e.correlationId === detection.correlationId && (e.type === 'IncidentResolved' || e.type === 'IncidentEscalated'),
        90_000,
      );
      if (end.type !== 'IncidentResolved') throw new Error(`incident ${end.type}: ${JSON.stringify(end.data)}`);
      const info = kind === 'hang' ? await waitRunning(docker, name, true, 30_000) : await startedAtAfter(docker, name, faultMs, 10_000, 100);
      sample.startedAtMs = parseDockerTime(info.State.StartedAt);
      if (!(sample.startedAtMs > faultMs)) throw new Error(`resolved, but the container was not started after the fault (StartedAt ${info.State.StartedAt})`);
      if (kind === 'hang') sample.healthyAtMs = healthyAgainAt(info);
      consecutiveFailures = 0;
      const detectedIn = Date.parse(detection.time) - faultMs;
      const healed = (kind === 'hang' ? sample.healthyAtMs! : sample.startedAtMs) - faultMs;
      log(`${kind} ${String(i + 1).padStart(2)}/${count} ${name}: detected ${detectedIn} ms, ${kind === 'hang' ? 'healthy' : 'running'} again ${Math.round(healed)} ms, resolved ${Date.parse(end.time) - faultMs} ms after the fault`);
    } catch (error) {
      sample.error = (error as Error).message.split('\n')[0]!.slice(0, 300);
      log(`${kind} ${i + 1}/${count} ${name}: NOT HEALED: ${sample.error}`);
      await recover(docker, name, kind === 'hang');
      if (++consecutiveFailures >= MAX_CONSECUTIVE_FAILURES) {
        log(`${MAX_CONSECUTIVE_FAILURES} ${kind}es in a row did not heal: skipping the rest of this phase`);
        break;
      }
    }
    await sleep(plan.settleMs);
  }
  return samples;
}

async function dockerBaseline(docker: Docker, names: string[], plan: Plan): Promise<DockerSample[]> {
  const samples: DockerSample[] = [];
  const gapMs = Math.max(1000, Math.ceil(plan.dockerSpacingMs / names.length));
  let slot = Date.now();
  const total = plan.dockerCrashesEach * names.length;
  for (let round = 0; round < plan.dockerCrashesEach; round++) {
    for (const name of names) {
      checkDeadline();
      if (slot > Date.now()) await sleep(slot - Date.now());
      const before = await waitRunning(docker, name, false, 30_000);
      const upMs = Date.now() - parseDockerTime(before.State.StartedAt);
      if (upMs < plan.dockerMinUptimeMs) await sleep(plan.dockerMinUptimeMs - upMs);
      const faultMs = (await crashMainProcess(docker, name)).getTime();
      slot = faultMs + gapMs;
      const sample: DockerSample = { index: samples.length + 1, container: name, faultMs, upBeforeMs: Date.now() - parseDockerTime(before.State.StartedAt) };
      samples.push(sample);
      try {
        // No tight polling while Docker restarts it: look after 300 ms, then every 100 ms.
        await sleep(300);
        const info = await startedAtAfter(docker, name, faultMs, 30_000, 100);
        sample.startedAtMs = parseDockerTime(info.State.StartedAt);
        sample.dieMs = parseDockerTime(info.State.FinishedAt);
        sample.restartCount = info.RestartCount;
        log(`docker ${String(sample.index).padStart(2)}/${total} ${name}: running again ${Math.round(sample.startedAtMs - faultMs)} ms after the fault (RestartCount ${info.RestartCount})`);
      } catch (error) {
        sample.error = (error as Error).message.split('\n')[0]!.slice(0, 300);
        log(`docker ${sample.index}/${total} ${name}: NOT RESTARTED: ${sample.error}`);
      }
    }
  }
  return samples;
}

/**
 * The floor for any watcher that heals through Docker's events: a bare `docker start` issued the moment the `die`
 * event arrives, with no detection, decision or record in between, on unwatched containers without a restart policy.
 */
async function reflexBaseline(docker: Docker, deaths: DieTap, names: string[], plan: Plan): Promise<ReflexSample[]> {
  const samples: ReflexSample[] = [];
  const total = plan.reflexCrashesEach * names.length;
  for (let round = 0; round < plan.reflexCrashesEach; round++) {
    for (const name of names) {
      checkDeadline();
      await waitRunning(docker, name, false, 30_000);
      const faultMs = (await crashMainProcess(docker, name)).getTime();
      const sample: ReflexSample = { index: samples.length + 1, container: name, faultMs };
      samples.push(sample);
      try {
        sample.dieEventMs = await deaths.next(name, faultMs, 10_000);
        sample.startCalledMs = Date.now();
        await docker.getContainer(name).start();
        const info = await startedAtAfter(docker, name, faultMs, 10_000, 100);
        sample.startedAtMs = parseDockerTime(info.State.StartedAt);
        log(`reflex ${String(sample.index).padStart(2)}/${total} ${name}: running again ${Math.round(sample.startedAtMs - faultMs)} ms after the fault`);
      } catch (error) {
        sample.error = (error as Error).message.split('\n')[0]!.slice(0, 300);
        log(`reflex ${sample.index}/${total} ${name}: NOT RESTARTED: ${sample.error}`);
      }
      await sleep(plan.settleMs);
    }
  }
  return samples;
}

/** Fills each fault's timeline from the event store (the record of truth; the tap only told us when to move on). */
function fromStore(samples: CrashSample[], stored: JarvisEvent[]): void {
  const byIncident = new Map<string, JarvisEvent[]>();
  for (const event of stored) {
    const list = byIncident.get(event.correlationId) ?? [];
    list.push(event);
    byIncident.set(event.correlationId, list);
  }
  for (const sample of samples) {
    if (!sample.incidentId) continue;
    const events = byIncident.get(sample.incidentId) ?? [];
    const first = <T extends JarvisEvent['type']>(type: T) => events.find((e) => e.type === type) as Extract<JarvisEvent, { type: T }> | undefined;
    const detection = first('DetectionRecorded');
    if (detection) {
      sample.detectionMs = Date.parse(detection.time);
      sample.sourceFaultMs = Date.parse(detection.data.faultAt);
    }
    sample.openedMs = time(first('IncidentOpened'));
    sample.decidedMs = time(first('RemediationDecided'));
    sample.actionStartedMs = time(first('ActionStarted'));
    sample.actionSucceededMs = time(first('ActionSucceeded'));
    sample.resolvedMs = time(first('IncidentResolved'));
    sample.actions = events.filter((e) => e.type === 'ActionStarted').length;
    sample.verificationFailures = events.filter((e) => e.type === 'VerificationFailed').length;
    sample.resolution = first('IncidentResolved')?.data.resolution;
  }
}

function time(event: JarvisEvent | undefined): number | undefined {
  return event ? Date.parse(event.time) : undefined;
}

async function main(): Promise<void> {
  const { plan, writeDocs } = parseArgs(process.argv.slice(2));
  deadline = benchStart + plan.hardDeadlineMs;
  log(`healing bench (${plan.quick ? 'quick' : 'full'}): ${plan.crashes} crashes, ${plan.hangs} hangs, Docker baseline ${plan.dockerContainers}×${plan.dockerCrashesEach}`);

  let nats: NatsHarness | undefined;
  let dockerd: DockerHarness | undefined;
  let jarvis: JarvisDeployment | undefined;
  let tap: EventTap | undefined;
  let deaths: DieTap | undefined;
  let reader: EventReader | undefined;
  let cleaning: Promise<void> | undefined;
  const cleanup = (): Promise<void> =>
    (cleaning ??= (async () => {
      await tap?.close().catch(() => undefined);
      deaths?.close();
      await reader?.close().catch(() => undefined);
      await jarvis?.stop().catch(() => undefined);
      await dockerd?.stop().catch(() => undefined);
      await nats?.stop().catch(() => undefined);
      await killAllTracked();
    })());
  const onSignal = (signal: NodeJS.Signals) => {
    log(`${signal}: stopping everything the bench started`);
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    [nats, dockerd] = await Promise.all([startNats(), startDockerd()]);
    const docker = dockerd.docker;
    const machine = await machineInfo(docker);
    log(`nats-server ${machine.natsServer} at ${nats.url}, dockerd ${machine.dockerEngine} at ${dockerd.host}`);
    const env = { OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: '', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '' };
    const jarvisOptions = { natsUrl: nats.url, dockerHost: dockerd.host, config: BENCH_CONFIG, env };

    // Containers for the crash phase (watched) and the Docker baseline (not watched, restart: always). The baseline
    // ones are created now so they have run long enough for Docker's restart backoff to be at its minimum later.
    const crashNames = Array.from({ length: plan.crashContainers }, (_, i) => `bench-crash-${i + 1}`);
    const dockerNames = Array.from({ length: plan.dockerContainers }, (_, i) => `bench-docker-${i + 1}`);
    const reflexNames = Array.from({ length: plan.reflexContainers }, (_, i) => `bench-reflex-${i + 1}`);
    for (const name of reflexNames) await runContainer(docker, { name, cmd: ['sleep', '100000'] });
    for (const name of crashNames) await runContainer(docker, { name, cmd: ['sleep', '100000'], watched: true });
    for (const name of dockerNames) {
      const container = await docker.createContainer({
        name,
        Image: TEST_IMAGE,
        Cmd: ['sleep', '100000'],
        HostConfig: { NetworkMode: 'none', RestartPolicy: { Name: 'always' } },
      });
      await container.start();
    }

    // Idle RSS: split first (then stopped), then the all-in-one that the rest of the bench runs against.
    log('idle RSS: starting Jarvis split (6 processes)');
    const split = await startJarvis('split', jarvisOptions);
    await sleep(plan.idleWaitMs);
    const splitRss = split.processes.map((p) => ({ targets: p.targets.join(','), pid: p.proc.pid, kib: rssKib(p.proc.pid) }));
    await split.stop();
    log('idle RSS: starting Jarvis all-in-one');
    jarvis = await startJarvis('all-in-one', jarvisOptions);
    const allInOne = jarvis.processes[0]!;
    await sleep(plan.idleWaitMs);
    const rss: RssResult = { allInOneIdleKib: rssKib(allInOne.proc.pid), split: splitRss, idleWaitMs: plan.idleWaitMs };
    log(`RSS all-in-one ${rss.allInOneIdleKib} KiB; split ${splitRss.map((s) => `${s.targets}=${s.kib}`).join(' ')} KiB`);

    tap = await EventTap.open(nats.url);
    deaths = await DieTap.open(docker);
    reader = await EventReader.open(nats.url);

    log(`crashes: ${plan.crashes} on ${crashNames.length} watched containers, one at a time`);
    const crashes = await injectFaults('crash', plan.crashes, crashNames, docker, tap, plan);

    const hangNames = Array.from({ length: plan.hangContainers }, (_, i) => `bench-hang-${i + 1}`);
    log(`hangs: ${plan.hangs} on ${hangNames.length} watched containers with a 1 s HEALTHCHECK (retries ${plan.hangRetries}), one at a time`);
    for (const name of hangNames) {
      await runContainer(docker, {
        name,
        cmd: ['sh', '-c', 'touch /tmp/ok; exec sleep 100000'],
        watched: true,
        healthcheck: { test: ['CMD', 'test', '-f', '/tmp/ok'], intervalMs: 1000, retries: plan.hangRetries },
      });
    }
    for (const name of hangNames) await waitRunning(docker, name, true, 30_000);
    const hangs = await injectFaults('hang', plan.hangs, hangNames, docker, tap, plan);
    // The health probes exec into the containers every second: stop them before the baseline. An API kill is an
    // owner's stop, which Jarvis leaves alone (removing a watched container instead would open a "not found" incident).
    for (const name of hangNames) await docker.getContainer(name).kill().catch(() => undefined);

    log(`Docker baseline: ${plan.dockerCrashesEach} crashes on each of ${dockerNames.length} unwatched restart=always containers`);
    const dockerSamples = await dockerBaseline(docker, dockerNames, plan);
    log(`reflex baseline: ${plan.reflexCrashesEach} crashes on each of ${reflexNames.length} unwatched containers, started by the bench at their die event`);
    const reflexSamples = await reflexBaseline(docker, deaths, reflexNames, plan);

    rss.allInOneAfterKib = rssKib(allInOne.proc.pid);
    const stored = await reader.events();
    fromStore([...crashes, ...hangs], stored);
    for (const sample of crashes) sample.dieEventMs = deaths.firstAfter(sample.container, sample.faultMs);
    const sampled = new Set([...crashes, ...hangs].map((s) => s.incidentId).filter(Boolean));
    const otherIncidents = stored
      .filter((e) => e.type === 'IncidentOpened' && !sampled.has(e.correlationId))
      .map((e) => {
        const last = stored.filter((x) => x.correlationId === e.correlationId).at(-1)!;
        return `${e.time} ${e.subject}: ${e.type === 'IncidentOpened' ? e.data.summary : ''} (last event ${last.type})`;
      });
    const baselineEvents = stored.filter((e) => /^container:bench-(docker|reflex)-/.test(e.subject)).length;
    const jarvisLog = jarvis.logs();
    const errorLines = jarvisLog.split('\n').filter((l) => /\bERROR\b/.test(l));

    const results: BenchResults = {
      date: new Date(benchStart).toISOString(),
      durationMs: Date.now() - benchStart,
      command: plan.quick ? 'npm run bench -- --quick' : 'npm run bench',
      plan,
      config: BENCH_CONFIG.trim(),
      machine,
      crashes,
      hangs,
      docker: dockerSamples,
      reflex: reflexSamples,
      rss,
      otherIncidents,
      baselineEvents,
      storedEvents: stored.length,
      jarvisErrorLines: errorLines.slice(0, 20),
      loadAverage: loadAverage(),
    };
    const report = renderReport(results);
    process.stdout.write(`\n${report}\n`);
    const raw = join(jarvis.dir, 'healing-bench.json');
    writeFileSync(raw, JSON.stringify(results, null, 2));
    log(`raw samples: ${raw}; Jarvis logs: ${jarvis.dir}`);
    if (writeDocs) {
      const file = join(REPO_ROOT, 'docs', 'benchmarks.md');
      writeDocsSection(file, report);
      log(`wrote ${file}`);
    } else {
      log('docs/benchmarks.md left as it was (quick run; pass --write-docs to write it)');
    }
  } finally {
    await cleanup();
    log(`done in ${((Date.now() - benchStart) / 1000).toFixed(0)} s; everything the bench started is stopped`);
  }
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    process.stderr.write(`healing bench failed: ${error.stack ?? error.message}\n`);
    process.exit(1);
  },
);
