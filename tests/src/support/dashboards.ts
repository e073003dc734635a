import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HISTOGRAM_SUFFIXES, HISTOGRAMS, METRIC } from '@jarvis/metrics';
import { REPO_ROOT } from './jarvis-harness.js';

export const GRAFANA_DIR = join(REPO_ROOT, 'infra', 'grafana');
export const DASHBOARD_DIR = join(GRAFANA_DIR, 'dashboards');

/** One query of a dashboard: where it is, which data source it names, and its text (PromQL or TraceQL). */
export type DashboardQuery = { where: string; datasourceUid: string | undefined; datasourceType: string | undefined; text: string };

type Json = Record<string, unknown>;

export function dashboardFiles(): string[] {
  return readdirSync(DASHBOARD_DIR).filter((f) => f.endsWith('.json')).map((f) => join(DASHBOARD_DIR, f));
}

/** Every query of every panel and variable, with the data source the query (or else its panel) names. */
export function queriesOf(file: string): DashboardQuery[] {
  const dashboard = JSON.parse(readFileSync(file, 'utf8')) as Json;
  const queries: DashboardQuery[] = [];
  for (const panel of (dashboard['panels'] as Json[] | undefined) ?? []) {
    const panelSource = panel['datasource'] as Json | undefined;
    for (const target of (panel['targets'] as Json[] | undefined) ?? []) {
      const source = (target['datasource'] as Json | undefined) ?? panelSource;
      const text = (target['expr'] ?? target['query']) as string;
      queries.push({ where: `${file}: panel "${String(panel['title'])}" ${String(target['refId'])}`, datasourceUid: source?.['uid'] as string, datasourceType: source?.['type'] as string, text });
    }
  }
  for (const variable of ((dashboard['templating'] as Json | undefined)?.['list'] as Json[] | undefined) ?? []) {
    if (variable['type'] !== 'query') continue;
    const source = variable['datasource'] as Json | undefined;
    const query = variable['query'] as Json | string;
    queries.push({ where: `${file}: variable ${String(variable['name'])}`, datasourceUid: source?.['uid'] as string, datasourceType: source?.['type'] as string, text: typeof query === 'string' ? query : (query['query'] as string) });
  }
  return queries;
}

/** Every data source UID named anywhere in a dashboard: panels, queries, variables, annotations. */
export function datasourceUidsOf(file: string): Set<string> {
  const uids = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    const source = (node as Json)['datasource'];
    if (source && typeof source === 'object' && typeof (source as Json)['uid'] === 'string') uids.add((source as Json)['uid'] as string);
    Object.values(node as Json).forEach(visit);
  };
  visit(JSON.parse(readFileSync(file, 'utf8')));
  return uids;
}

const PROMQL_WORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'and', 'or', 'unless', 'offset', 'inf', 'nan']);

/**
 * The metric names a PromQL expression reads: what remains once strings, label matchers, ranges, grouping clauses,
 * function calls and operators' keywords are taken out. `label_values(metric, label)` names its metric too.
 */
export function metricNamesIn(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\blabel_values\(\s*([a-zA-Z_:][\w:]*)\s*,[^)]*\)/g, ' $1 ');
  const names: string[] = [];
  for (const match of stripped.matchAll(/[a-zA-Z_:][\w:]*(\s*\()?/g)) {
    const [token, call] = [match[0].replace(/\s*\($/, ''), match[1]];
    if (call || PROMQL_WORDS.has(token.toLowerCase()) || /^\d/.test(token)) continue;
    if (stripped[match.index! - 1] === '$') continue;
    names.push(token);
  }
  return names;
}

/** Every series name the metrics constants export: counters and gauges as named, histograms with their suffixes. */
export function exportedSeriesNames(): Set<string> {
  const names = new Set<string>(Object.values(METRIC));
  for (const histogram of HISTOGRAMS) for (const suffix of HISTOGRAM_SUFFIXES) names.add(`${histogram}${suffix}`);
  return names;
}

/** What Grafana puts in place of its variables, so Prometheus can evaluate a dashboard's query as such. */
export function withGrafanaVariables(expr: string, values: { target: string; caseId: string }): string {
  return expr
    .replaceAll('$__range', '1h')
    .replaceAll('$__rate_interval', '1m')
    .replaceAll('$target', values.target)
    .replaceAll('$case_id', values.caseId);
}
