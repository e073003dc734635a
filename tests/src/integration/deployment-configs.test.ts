import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parse } from 'yaml';
import { SERVICE_NAMES } from '@jarvis/contracts';
import { REPO_ROOT } from '../support/jarvis-harness.js';
import { SOCKET_PROXY_CONFIG } from '../support/socket-proxy.js';

const infra = (...parts: string[]) => join(REPO_ROOT, 'infra', ...parts);
const yamlOf = (file: string) => parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
/** Where docker-compose.yml mounts infra/prometheus/rules in the Prometheus container. */
const RULES_IN_CONTAINER = '/etc/prometheus/rules/*.yml';

type ScrapeConfig = { job_name: string; metrics_path: string; static_configs: { targets: string[]; labels?: Record<string, string> }[] };

describe('configs of the compose stack, validated with the tools available here', () => {
  const dir = mkdtempSync(join(tmpdir(), 'jarvis-deployment-configs-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const file of ['prometheus.yml', 'prometheus.split.yml']) {
    it(`promtool check config accepts ${file}, with the rules it loads in the container`, () => {
      const text = readFileSync(infra('prometheus', file), 'utf8');
      assert.ok(text.includes(RULES_IN_CONTAINER), 'loads the rules from where the compose file mounts them');
      const local = join(dir, file);
      writeFileSync(local, text.replace(RULES_IN_CONTAINER, infra('prometheus', 'rules', '*.yml')));
      const result = spawnSync('promtool', ['check', 'config', local], { encoding: 'utf8', timeout: 60_000 });
      assert.equal(result.error, undefined, `promtool could not run (Debian package prometheus): ${result.error?.message}`);
      assert.equal(result.status, 0, result.stdout + result.stderr);
    });
  }

  it('Prometheus scrapes the all-in-one container and, split, each service container on 9464, under one job', () => {
    const allInOne = (yamlOf(infra('prometheus', 'prometheus.yml'))['scrape_configs'] as ScrapeConfig[]);
    assert.deepEqual(allInOne.map((c) => [c.job_name, c.metrics_path, c.static_configs.flatMap((s) => s.targets)]), [['jarvis', '/metrics', ['jarvis:9464']]]);
    const split = (yamlOf(infra('prometheus', 'prometheus.split.yml'))['scrape_configs'] as ScrapeConfig[]);
    assert.deepEqual(split.map((c) => [c.job_name, c.metrics_path]), [['jarvis', '/metrics']]);
    const targets = split[0]!.static_configs.map((s) => [s.targets.join(), s.labels?.['service']]);
    assert.deepEqual(targets.sort(), SERVICE_NAMES.map((name) => [`${name}:9464`, name]).sort());
  });

  it('Grafana provisions the data sources with the UIDs the dashboards name, pointing at the compose services', () => {
    const provisioning = yamlOf(infra('grafana', 'provisioning', 'datasources', 'jarvis.yaml'));
    assert.equal(provisioning['apiVersion'], 1);
    const sources = provisioning['datasources'] as { uid: string; type: string; url: string; access: string; name: string }[];
    assert.deepEqual(sources.map((s) => [s.uid, s.type, s.url, s.access]), [
      ['prometheus', 'prometheus', 'http://prometheus:9090', 'proxy'],
      ['tempo', 'tempo', 'http://tempo:3200', 'proxy'],
    ]);
    assert.equal(new Set(sources.map((s) => s.name)).size, sources.length, 'names are unique');
  });

  it('the Collector takes OTLP where Jarvis sends it and exports traces to Tempo, every pipeline component defined', () => {
    const config = yamlOf(infra('otel-collector', 'config.yaml')) as {
      receivers: Record<string, { protocols: Record<string, { endpoint: string }> }>;
      processors: Record<string, unknown>;
      exporters: Record<string, { endpoint: string; tls?: { insecure?: boolean } }>;
      service: { pipelines: Record<string, { receivers: string[]; processors: string[]; exporters: string[] }> };
    };
    assert.equal(config.receivers['otlp']?.protocols['http']?.endpoint, '0.0.0.0:4318', 'OTEL_EXPORTER_OTLP_ENDPOINT of the Jarvis containers is http://otel-collector:4318');
    const traces = config.service.pipelines['traces'];
    assert.ok(traces, 'a traces pipeline');
    for (const name of traces.receivers) assert.ok(name in config.receivers, `receiver ${name} is defined`);
    for (const name of traces.processors) assert.ok(name in config.processors, `processor ${name} is defined`);
    for (const name of traces.exporters) assert.ok(name in config.exporters, `exporter ${name} is defined`);
    assert.equal(traces.processors[0], 'memory_limiter', 'the memory limiter comes first');
    assert.deepEqual(traces.exporters.map((name) => config.exporters[name]?.endpoint), ['tempo:4317']);
  });

  it('Tempo receives OTLP gRPC on the port the Collector exports to and keeps its data on its volume', () => {
    const config = yamlOf(infra('tempo', 'tempo.yaml')) as {
      server: { http_listen_port: number };
      distributor: { receivers: { otlp: { protocols: { grpc: { endpoint: string } } } } };
      storage: { trace: { backend: string; wal: { path: string }; local: { path: string } } };
    };
    assert.equal(config.server.http_listen_port, 3200, 'the Grafana data source URL');
    assert.equal(config.distributor.receivers.otlp.protocols.grpc.endpoint, '0.0.0.0:4317');
    assert.equal(config.storage.trace.backend, 'local');
    for (const path of [config.storage.trace.wal.path, config.storage.trace.local.path]) assert.match(path, /^\/var\/tempo\//, 'on the tempo-data volume');
  });

  it('haproxy accepts the socket proxy config as the docker-socket-proxy image prepares it', () => {
    const local = join(dir, 'haproxy.cfg');
    writeFileSync(local, readFileSync(SOCKET_PROXY_CONFIG, 'utf8').replaceAll('${BIND_CONFIG}', ':2375'));
    const result = spawnSync('haproxy', ['-c', '-f', local], { env: { PATH: process.env['PATH'], SOCKET_PATH: '/var/run/docker.sock' }, encoding: 'utf8', timeout: 30_000 });
    assert.equal(result.status, 0, result.stdout + result.stderr);
  });
});
