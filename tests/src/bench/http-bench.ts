/**
 * HTTP-endpoint benchmark (`npm run bench -- --only http [--quick] [--write-docs|--no-docs]`). Not a test: it
 * measures and reports, it never fails on timing. 1,000 endpoints on loopback, each probed every 15 s; it reports
 * the CPU and RSS of the process running the probes and their scheduling lag. Everything it starts is stopped.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { REPO_ROOT } from '../support/jarvis-harness.js';
import { killAllTracked, spawnTracked, waitFor, type TrackedProcess } from '../support/processes.js';
import { renderHttpReport, HTTP_BEGIN, HTTP_END } from './http-report.js';
import type { HostedEndpoint, HostedRun } from './http-probe-host.js';
import { machineInfo, rssKib } from './machine.js';
import { writeMarkedSection } from './report.js';
import { percentile } from './stats.js';

const ENDPOINTS = 1000;
const SERVERS = 4;
const INTERVAL_SECONDS = 15;
const PROBE_HOST = fileURLToPath(new URL('./http-probe-host.js', import.meta.url));

const benchStart = Date.now();

function log(message: string): void {
  process.stderr.write(`[http-bench +${((Date.now() - benchStart) / 1000).toFixed(1).padStart(6)}s] ${message}\n`);
}

/** utime + stime of a process, in seconds (/proc/<pid>/stat fields 14 and 15, in clock ticks of 1/100 s). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function startServers(): Promise<{ servers: Server[]; endpoints: HostedEndpoint[] }> {
  const servers: Server[] = [];
  for (let i = 0; i < SERVERS; i++) {
    const server = createServer((_request, response) => response.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
  }
  const endpoints = Array.from({ length: ENDPOINTS }, (_, i) => {
    const port = (servers[i % SERVERS]!.address() as AddressInfo).port;
    return { name: `ep-${String(i + 1).padStart(4, '0')}`, url: `http://127.0.0.1:${port}/health/${i + 1}`, intervalSeconds: INTERVAL_SECONDS };
  });
  return { servers, endpoints };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  for (const arg of argv) {
    if (!['--quick', '--write-docs', '--no-docs'].includes(arg)) {
      process.stderr.write(`unknown argument "${arg}"\nusage: npm run bench -- --only http [--quick] [--write-docs|--no-docs]\n`);
      process.exit(2);
    }
  }
  const quick = argv.includes('--quick');
  const writeDocs = argv.includes('--no-docs') ? false : argv.includes('--write-docs') || !quick;
  const warmupMs = (quick ? 1 : 2) * INTERVAL_SECONDS * 1000;
  const windowMs = (quick ? 2 : 4) * INTERVAL_SECONDS * 1000;

  const dir = mkdtempSync(join(tmpdir(), 'jarvis-http-bench-'));
  const { servers, endpoints } = await startServers();
  let host: TrackedProcess | undefined;
  try {
    const endpointsFile = join(dir, 'endpoints.json');
    const resultsFile = join(dir, 'runs.json');
    writeFileSync(endpointsFile, JSON.stringify(endpoints));
    host = spawnTracked(process.execPath, [PROBE_HOST, endpointsFile, resultsFile], { logFile: join(dir, 'probe-host.log'), cwd: REPO_ROOT });
    const started = host;
    await waitFor('the probe host to schedule its probes', () => started.log().includes('ready'), 30_000);
    log(`${ENDPOINTS} endpoints on ${SERVERS} loopback servers, every ${INTERVAL_SECONDS} s: warming up ${warmupMs / 1000} s`);
    await sleep(warmupMs);
    const from = { wallMs: Date.now(), cpu: cpuSeconds(host.pid) };
    log(`measuring for ${windowMs / 1000} s`);
    await sleep(windowMs);
    const to = { wallMs: Date.now(), cpu: cpuSeconds(host.pid), rssKib: rssKib(host.pid) };
    await host.stop('SIGTERM', 10_000);
    const runs = (JSON.parse(readFileSync(resultsFile, 'utf8')) as HostedRun[]).filter((run) => run.startedAt >= from.wallMs && run.startedAt < to.wallMs);
    const lags = runs.map((run) => run.startedAt - run.scheduledAt).sort((a, b) => a - b);
    const machine = await machineInfo();
    const report = renderHttpReport({
      date: new Date(benchStart).toISOString(),
      command: `npm run bench${quick ? ' -- --only http --quick' : ''}`,
      durationMs: Date.now() - benchStart,
      machine,
      measured:
        'a Node process running the monitor\'s ProbeScheduler around the real `probeHttpEndpoint` (@jarvis/http-probe), tests/src/bench/http-probe-host.ts: the HTTP kind is not wired into Jarvis yet, so Jarvis\'s own event handling of the results is not in these figures',
      endpoints: ENDPOINTS,
      servers: SERVERS,
      intervalSeconds: INTERVAL_SECONDS,
      warmupMs,
      windowMs: to.wallMs - from.wallMs,
      cpuSeconds: to.cpu - from.cpu,
      rssKib: to.rssKib,
      runs: runs.length,
      failedRuns: runs.filter((run) => !run.ok).length,
      lagP50Ms: Math.round(percentile(lags, 0.5)),
      lagP99Ms: Math.round(percentile(lags, 0.99)),
      lagMaxMs: Math.round(lags.at(-1) ?? NaN),
      lagSource: 'every run started in the window, from its ProbeRun times',
    });
    process.stdout.write(`\n${report}\n`);
    if (writeDocs) {
      const file = join(REPO_ROOT, 'docs', 'benchmarks.md');
      writeMarkedSection(file, HTTP_BEGIN, HTTP_END, report);
      log(`wrote ${file}`);
    }
  } finally {
    await host?.stop('SIGTERM', 10_000);
    await killAllTracked();
    for (const server of servers) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    rmSync(dir, { recursive: true, force: true });
    log(`done in ${((Date.now() - benchStart) / 1000).toFixed(0)} s; everything the bench started is stopped`);
  }
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    process.stderr.write(`http bench failed: ${error.stack ?? error.message}\n`);
    process.exit(1);
  },
);
