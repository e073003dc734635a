import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, spawnTracked, waitFor, type TrackedProcess } from './processes.js';

export type PrometheusHarness = {
  url: string;
  /** Evaluates PromQL now through the HTTP API; rejects with Prometheus's error when the expression is refused. */
  query(expr: string): Promise<PromSample[]>;
  stop(): Promise<void>;
};

export type PromSample = { metric: Record<string, string>; value: [number, string] };

type QueryReply = { status: 'success' | 'error'; error?: string; data?: { resultType: string; result: PromSample[] | [number, string] } };

/** Debian's Prometheus on loopback, scraping `targets` (host:port) as job `jarvis` every second, with its own storage. */
export async function startPrometheus(targets: string[]): Promise<PrometheusHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'jarvis-prometheus-'));
  const config = join(dir, 'prometheus.yml');
  writeFileSync(
    config,
    ['global:', '  scrape_interval: 1s', '  evaluation_interval: 1s', 'scrape_configs:', '  - job_name: jarvis', '    static_configs:', `      - targets: [${targets.map((t) => `'${t}'`).join(', ')}]`, ''].join('\n'),
  );
  const port = await freePort();
  const proc: TrackedProcess = spawnTracked(
    'prometheus',
    [`--config.file=${config}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--storage.tsdb.retention.time=1h'],
    { logFile: join(dir, 'prometheus.log'), cwd: dir },
  );
  const url = `http://127.0.0.1:${port}`;
  await waitFor('Prometheus to be ready', async () => {
    if (proc.child.exitCode !== null) throw new Error(`prometheus exited with ${proc.child.exitCode}:\n${proc.log()}`);
    return (await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(2_000) }).catch(() => undefined))?.ok;
  }, 30_000, 200);
  return {
    url,
    query: async (expr) => {
      const response = await fetch(`${url}/api/v1/query?${new URLSearchParams({ query: expr })}`, { signal: AbortSignal.timeout(10_000) });
      const reply = (await response.json()) as QueryReply;
      if (reply.status !== 'success') throw new Error(`Prometheus refused ${expr}: ${reply.error}`);
      const result = reply.data!.result;
      return reply.data!.resultType === 'scalar' ? [{ metric: {}, value: result as [number, string] }] : (result as PromSample[]);
    },
    stop: async () => {
      await proc.stop('SIGTERM', 20_000);
    },
  };
}

/** The one value of an instant query's result, or undefined when it has none. */
export function singleValue(samples: PromSample[]): number | undefined {
  return samples.length === 1 ? Number(samples[0]!.value[1]) : undefined;
}
