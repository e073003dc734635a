/**
 * The process measured by the HTTP-endpoint benchmark while the HTTP kind is not wired into Jarvis: the monitor's
 * scheduling (ProbeScheduler with the monitor's default concurrency, jitter and hysteresis-free reading) around the
 * real `probeHttpEndpoint`, one probe per endpoint, and nothing else. Started by http-bench.ts:
 *
 *   node http-probe-host.js <endpoints.json> <results.json>
 *
 * It logs "ready" once every probe is scheduled; on SIGTERM it stops and writes every run's times to <results.json>.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { HttpEndpointConfig, ProbesConfig } from '@jarvis/config';
import { probeHttpEndpoint, type HttpProbeResult } from '@jarvis/http-probe';
import { ProbeScheduler } from '@jarvis/schedule';

export type HostedEndpoint = { name: string; url: string; intervalSeconds: number };
export type HostedRun = { key: string; scheduledAt: number; startedAt: number; finishedAt: number; ok: boolean };

const [endpointsFile, resultsFile] = process.argv.slice(2);
if (!endpointsFile || !resultsFile) {
  process.stderr.write('usage: node http-probe-host.js <endpoints.json> <results.json>\n');
  process.exit(2);
}
const endpoints = JSON.parse(readFileSync(endpointsFile, 'utf8')) as HostedEndpoint[];
const settings = new ProbesConfig();
const runs: HostedRun[] = [];
const scheduler = new ProbeScheduler<HttpProbeResult>({
  concurrency: settings.concurrency,
  jitterFraction: settings.jitterFraction,
  random: Math.random,
  timers: { now: () => Date.now(), setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout) },
  onResult: (run) => runs.push({ key: run.key, scheduledAt: run.scheduledAt, startedAt: run.startedAt, finishedAt: run.finishedAt, ok: run.outcome.ok && run.outcome.value.ok }),
  stopGraceMs: 2000,
});
for (const endpoint of endpoints) {
  const spec = Object.assign(new HttpEndpointConfig(), endpoint);
  scheduler.add({ key: endpoint.name, intervalMs: spec.intervalSeconds * 1000, timeoutMs: spec.timeoutMs, run: (signal) => probeHttpEndpoint(spec, { signal }) });
}
scheduler.start();
process.stdout.write(`ready: ${endpoints.length} endpoints scheduled\n`);
process.once('SIGTERM', () => {
  void scheduler.stop().then(() => {
    writeFileSync(resultsFile, JSON.stringify(runs));
    process.exit(0);
  });
});
