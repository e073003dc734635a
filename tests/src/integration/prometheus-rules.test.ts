import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse, stringify } from 'yaml';
import { exportedSeriesNames, metricNamesIn } from '../support/dashboards.js';
import { REPO_ROOT } from '../support/jarvis-harness.js';

const RULES_DIR = join(REPO_ROOT, 'infra', 'prometheus', 'rules');
const RULE_FILES = readdirSync(RULES_DIR).filter((f) => /\.ya?ml$/.test(f)).map((f) => join(RULES_DIR, f));
/** Series Prometheus makes itself for every scrape target. */
const PROMETHEUS_SERIES = new Set(['up']);

type Rule = { alert: string; expr: string; labels?: Record<string, string>; annotations?: Record<string, string> };
const RULES = new Map(RULE_FILES.flatMap((file) => (parse(readFileSync(file, 'utf8')) as { groups: { rules: Rule[] }[] }).groups.flatMap((g) => g.rules)).map((r) => [r.alert, r]));

function promtool(...args: string[]): { status: number | null; output: string } {
  const result = spawnSync('promtool', args, { encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** The alert `name` as promtool should see it fire: its labels, and its annotations with this alert's labels and value filled in. */
function firing(name: string, labels: Record<string, string>, value: string): { exp_labels: Record<string, string>; exp_annotations: Record<string, string> } {
  const rule = RULES.get(name)!;
  const fill = (text: string) => text.replace(/\{\{ \$labels\.(\w+) \}\}/g, (_, label: string) => labels[label] ?? '').replace(/\{\{ \$value \}\}/g, value);
  return { exp_labels: { ...rule.labels, ...labels }, exp_annotations: Object.fromEntries(Object.entries(rule.annotations ?? {}).map(([k, v]) => [k, fill(v)])) };
}

type AlertCase = { alert: string; series: { series: string; values: string }[]; at: string; fires: Record<string, string>[]; value?: string };

const CASES: AlertCase[] = [
  { alert: 'JarvisDown', series: [{ series: 'up{job="jarvis",instance="a:9464"}', values: '0x5' }, { series: 'up{job="jarvis",instance="b:9464"}', values: '1x5' }], at: '3m', fires: [{ job: 'jarvis', instance: 'a:9464' }] },
  { alert: 'JarvisEventStoreDegraded', series: [{ series: 'jarvis_event_store_up{job="jarvis",instance="a:9464"}', values: '1 0 0 0' }], at: '3m', fires: [{ instance: 'a:9464' }] },
  { alert: 'JarvisAppendsFailing', series: [{ series: 'jarvis_event_append_failures_total{instance="a:9464",event_type="ActionSucceeded",reason="store"}', values: '0 0 2 4' }], at: '3m', fires: [{ instance: 'a:9464' }], value: '4' },
  { alert: 'JarvisIncidentEscalated', series: [{ series: 'jarvis_incidents_escalated_total{instance="a:9464",rule="circuit_breaker",kind="container"}', values: '0 0 1 1' }], at: '3m', fires: [{ rule: 'circuit_breaker', kind: 'container' }] },
  { alert: 'JarvisBreakerOpen', series: [{ series: 'jarvis_breaker_open{instance="a:9464",target="container:web"}', values: '0 1 1' }, { series: 'jarvis_breaker_open{instance="a:9464",target="container:db"}', values: '0 0 0' }], at: '2m', fires: [{ target: 'container:web' }] },
  { alert: 'JarvisConsumerLagging', series: [{ series: 'jarvis_consumer_pending_messages{instance="a:9464",durable="jarvis-policy"}', values: '500x10' }], at: '7m', fires: [{ durable: 'jarvis-policy' }], value: '500' },
];

describe('Prometheus alert rules', () => {
  it('pass promtool check rules', () => {
    const checked = promtool('check', 'rules', ...RULE_FILES);
    assert.equal(checked.status, 0, checked.output);
  });

  it('read only metrics that /metrics exports, or that Prometheus makes itself', () => {
    const exported = exportedSeriesNames();
    for (const rule of RULES.values()) {
      for (const name of metricNamesIn(rule.expr)) assert.ok(exported.has(name) || PROMETHEUS_SERIES.has(name), `${rule.alert}: ${name} is not exported`);
    }
  });

  it('fire on a process down, the event store degraded, failing appends, an escalation, an open breaker and a lagging consumer, and stay quiet otherwise', () => {
    const tests = CASES.map((c) => ({
      interval: '1m',
      input_series: c.series,
      alert_rule_test: [
        { eval_time: '0m', alertname: c.alert, exp_alerts: [] },
        { eval_time: c.at, alertname: c.alert, exp_alerts: c.fires.map((labels) => firing(c.alert, labels, c.value ?? '1')) },
      ],
    }));
    const file = join(mkdtempSync(join(tmpdir(), 'jarvis-rules-')), 'jarvis-rules.test.yml');
    writeFileSync(file, stringify({ rule_files: RULE_FILES, evaluation_interval: '1m', tests }));
    const tested = promtool('test', 'rules', file);
    assert.equal(tested.status, 0, tested.output);
  });
});
