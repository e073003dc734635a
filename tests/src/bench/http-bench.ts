/**
 * HTTP-endpoint benchmark (`npm run bench -- --only http [--quick] [--write-docs|--no-docs]`). Not a test: it
 * measures and reports, it never fails on timing. All-in-one Jarvis watches 1,000 endpoints on loopback (jarvis.yaml
 * `endpoints:`), each probed every 15 s; the bench reads the CPU and RSS of the Jarvis process from /proc and the
 * probes' scheduling lag from the monitor's health details. Everything it starts is stopped by PID.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { RPC, type HealthReply } from '@jarvis/contracts';
import { startDockerd, type DockerHarness } from '../support/docker-harness.js';
import { EventReader } from '../support/event-reader.js';
import { REPO_ROOT, startJarvis, type JarvisDeployment } from '../support/jarvis-harness.js';
import { callRpc } from '../support/jarvis-rpc.js';
import { startNats, type NatsHarness } from '../support/nats-harness.js';
import { killAllTracked } from '../support/processes.js';
import { renderHttpReport, HTTP_BEGIN, HTTP_END } from './http-report.js';
import { loadAverage, machineInfo, rssKib } from './machine.js';
import { writeMarkedSection } from './report.js';

const ENDPOINTS = 1000;
const SERVERS = 4;
const INTERVAL_SECONDS = 15;

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

async function startServers(): Promise<Server[]> {
  const servers: Server[] = [];
  for (let i = 0; i < SERVERS; i++) {
    const server = createServer((_request, response) => response.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
  }
  return servers;
}

function configFor(servers: Server[]): string {
  const endpoints = Array.from({ length: ENDPOINTS }, (_, i) => {
    const port = (servers[i % SERVERS]!.address() as AddressInfo).port;
    return `  - { name: ep-${String(i + 1).padStart(4, '0')}, url: "http://127.0.0.1:${port}/health/${i + 1}", intervalSeconds: ${INTERVAL_SECONDS} }`;
  });
  return `endpoints:\n${endpoints.join('\n')}\n`;
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

  const servers = await startServers();
  let nats: NatsHarness | undefined;
  let dockerd: DockerHarness | undefined;
  let jarvis: JarvisDeployment | undefined;
  let reader: EventReader | undefined;
  try {
    [nats, dockerd] = await Promise.all([startNats(), startDockerd()]);
    const machine = await machineInfo(dockerd.docker);
    const env = { OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: '', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '' };
    jarvis = await startJarvis('all-in-one', { natsUrl: nats.url, dockerHost: dockerd.host, config: configFor(servers), env });
    reader = await EventReader.open(nats.url);
    const pid = jarvis.processes[0]!.proc.pid;
    log(`Jarvis all-in-one (pid ${pid}) watches ${ENDPOINTS} endpoints on ${SERVERS} loopback servers, every ${INTERVAL_SECONDS} s: warming up ${warmupMs / 1000} s`);
    await sleep(warmupMs);
    const from = { wallMs: Date.now(), cpu: cpuSeconds(pid) };
    log(`measuring for ${windowMs / 1000} s`);
    await sleep(windowMs);
    const to = { wallMs: Date.now(), cpu: cpuSeconds(pid), rssKib: rssKib(pid) };
    const health = await callRpc<HealthReply>(reader.nc, RPC.health('monitor'));
    const details = health.details as Record<string, number>;
    const incidents = (await reader.events((e) => e.type === 'IncidentOpened')).length;
    const report = renderHttpReport({
      date: new Date(benchStart).toISOString(),
      command: `npm run bench${quick ? ' -- --only http --quick' : ''}`,
      durationMs: Date.now() - benchStart,
      machine,
      endpoints: ENDPOINTS,
      servers: SERVERS,
      intervalSeconds: INTERVAL_SECONDS,
      warmupMs,
      windowMs: to.wallMs - from.wallMs,
      cpuSeconds: to.cpu - from.cpu,
      rssKib: to.rssKib,
      health: details,
      incidents,
      loadAverage: loadAverage(),
      errorLines: jarvis.logs().split('\n').filter((l) => /\bERROR\b/.test(l)).slice(0, 20),
    });
    process.stdout.write(`\n${report}\n`);
    if (writeDocs) {
      const file = join(REPO_ROOT, 'docs', 'benchmarks.md');
      writeMarkedSection(file, HTTP_BEGIN, HTTP_END, report);
      log(`wrote ${file}`);
    }
  } finally {
    await reader?.close().catch(() => undefined);
    await jarvis?.stop().catch(() => undefined);
    await dockerd?.stop().catch(() => undefined);
    await nats?.stop().catch(() => undefined);
    await killAllTracked();
    for (const server of servers) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
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
