import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { ATTR } from '@jarvis/telemetry';
import { dashboardFiles, datasourceUidsOf, exportedSeriesNames, GRAFANA_DIR, metricNamesIn, queriesOf } from '../support/dashboards.js';

const DATASOURCE_DIR = join(GRAFANA_DIR, 'provisioning', 'datasources');
type Provisioned = { datasources?: { uid?: string; type?: string }[]; providers?: { type?: string; options?: { path?: string } }[] };

function provisionedDatasources(): Map<string, string> {
  const sources = new Map<string, string>();
  for (const file of readdirSync(DATASOURCE_DIR).filter((f) => /\.ya?ml$/.test(f))) {
    const parsed = parse(readFileSync(join(DATASOURCE_DIR, file), 'utf8')) as Provisioned;
    for (const source of parsed.datasources ?? []) if (source.uid) sources.set(source.uid, source.type ?? '');
  }
  return sources;
}

describe('Grafana dashboards', () => {
  it('finds both dashboards, each with a unique uid', () => {
    const uids = dashboardFiles().map((f) => (JSON.parse(readFileSync(f, 'utf8')) as { uid: string }).uid);
    assert.deepEqual(uids.sort(), ['jarvis-incident', 'jarvis-overview']);
  });

  it('queries only metrics that /metrics exports, in every PromQL expression', () => {
    const exported = exportedSeriesNames();
    const prometheusQueries = dashboardFiles().flatMap(queriesOf).filter((q) => q.datasourceType === 'prometheus');
    assert.ok(prometheusQueries.length >= 20, `only ${prometheusQueries.length} PromQL queries found`);
    for (const query of prometheusQueries) {
      const names = metricNamesIn(query.text);
      assert.ok(names.length > 0, `${query.where}: names no metric: ${query.text}`);
      for (const name of names) assert.ok(exported.has(name), `${query.where}: ${name} is not exported (${query.text})`);
    }
  });

  it('names only data source UIDs that the provisioning defines, with the matching type', () => {
    const provisioned = provisionedDatasources();
    assert.equal(provisioned.get('prometheus'), 'prometheus');
    assert.equal(provisioned.get('tempo'), 'tempo');
    for (const file of dashboardFiles()) {
      for (const uid of datasourceUidsOf(file)) assert.ok(provisioned.has(uid), `${basename(file)} names data source ${uid}, which is not provisioned`);
      for (const query of queriesOf(file)) assert.equal(provisioned.get(query.datasourceUid ?? ''), query.datasourceType, query.where);
    }
  });

  it('searches Tempo only by span attributes Jarvis sets', () => {
    const known = new Set<string>(Object.values(ATTR));
    const traceQueries = dashboardFiles().flatMap(queriesOf).filter((q) => q.datasourceType === 'tempo');
    assert.ok(traceQueries.some((q) => q.text.includes(`span.${ATTR.incidentId} = "$case_id"`)), 'the incident view searches by the case id');
    for (const query of traceQueries) {
      for (const [, attribute] of query.text.matchAll(/span\.([\w.]+)/g)) assert.ok(known.has(attribute!), `${query.where}: span.${attribute} is not an attribute Jarvis sets`);
    }
  });

  it('links the incident view to its trace in Tempo through the tempo data source', () => {
    const incident = readFileSync(join(GRAFANA_DIR, 'dashboards', 'jarvis-incident.json'), 'utf8');
    const link = /"url": "(\/explore\?[^"]+)"/.exec(incident)?.[1];
    assert.ok(link, 'a link to Explore');
    const panes = JSON.parse(decodeURIComponent(new URL(link, 'http://grafana').searchParams.get('panes') ?? '{}')) as Record<string, { datasource: string; queries: { query: string }[] }>;
    const pane = Object.values(panes)[0]!;
    assert.equal(pane.datasource, 'tempo');
    assert.equal(pane.queries[0]!.query, `{ span.${ATTR.incidentId} = "\${case_id}" }`);
  });

  it('provisions the dashboards from the folder the Compose stack mounts them at', () => {
    const provider = parse(readFileSync(join(GRAFANA_DIR, 'provisioning', 'dashboards', 'jarvis.yaml'), 'utf8')) as Provisioned;
    assert.deepEqual(provider.providers?.map((p) => [p.type, p.options?.path]), [['file', '/var/lib/grafana/dashboards']]);
  });
});
