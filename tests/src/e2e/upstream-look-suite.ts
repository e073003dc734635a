import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { breakSecretInConfig, diagnosed, prepareScenarioFiles, scenarioConfig, scheduledRun, SCENARIO_DDCLIENT, SCENARIO_INTERVALS, SCENARIO_TLS, type ScenarioFiles } from '../lab/dns-scenario.js';
import { startEdgeLab, type EdgeLab } from '../lab/edge-lab.js';
import { ofIncident, timeline } from '../support/event-reader.js';
import type { Shape } from '../support/jarvis-harness.js';
import { useLab } from '../support/lab.js';
import { waitFor } from '../support/processes.js';

/** ddclient's own check runs seldom and the record's often: the record notices first, as in 5 of 10 benchmark runs. */
const INTERVALS = { ...SCENARIO_INTERVALS, ddclientSeconds: 300 };
const STEP_TIMEOUT_MS = 120_000;

/**
 * The benchmark's defect: the DNS record's check failed before ddclient's, opened an incident of its own, had its
 * `infrastructure_remediate_dns` fail (ddclient's secret is bad) and paged `remediation_exhausted` for a symptom.
 * Now the monitor reads ddclient on demand before the record's failure opens anything: one incident, rooted in
 * ddclient, with the record as its consequence and nothing decided about the record while ddclient fails.
 */
export function upstreamLookSuite(shape: Shape): void {
  describe(`a failing record reads ddclient first (${shape})`, { timeout: 600_000 }, () => {
    let edge: EdgeLab;
    const files: ScenarioFiles = { log: '', backups: '', caDir: '' };
    const lab = useLab(shape, () => scenarioConfig(edge, files, [], INTERVALS), {
      beforeJarvis: async () => {
        edge = await startEdgeLab({ dir: mkdtempSync(join(tmpdir(), 'jarvis-upstream-look-')) });
        Object.assign(files, await prepareScenarioFiles(edge, 'jarvis-upstream-look'));
        await scheduledRun(edge, files.log);
      },
    });

    after(async () => {
      await edge?.stop();
    });

    it('opens one incident rooted in ddclient, the record its consequence, with no decision or escalation about the record', async () => {
      const host = edge.hosts[0]!;
      const dns = `dns_record:${host}`;
      await waitFor('the record and the certificate to pass their checks', async () => (await diagnosed(lab.jarvis, dns))?.status === 'ok' && (await diagnosed(lab.jarvis, SCENARIO_TLS))?.status === 'ok', 240_000, 2000);

      const since = new Date().toISOString();
      // ddclient's run fails (and says so in its log) before the record vanishes; its own check is minutes away.
      breakSecretInConfig(edge);
      writeFileSync(edge.paths.ddclientCache, '');
      await scheduledRun(edge, files.log);
      await edge.deleteRecord(host);

      const linked = await lab.explained(dns, lab.reader.waitForEvent('ConsequenceLinked', (e) => e.subject === dns && e.time >= since, STEP_TIMEOUT_MS));
      assert.deepEqual(linked.data.chain, [dns, SCENARIO_DDCLIENT]);
      const rootId = linked.correlationId;
      // The root's first remediation (the forced update) fails on the bad secret: by then a symptom's page would be out.
      const failed = await lab.explained(SCENARIO_DDCLIENT, lab.reader.waitForEvent('ActionFailed', (e) => e.correlationId === rootId, STEP_TIMEOUT_MS));
      const settled = new Date(Date.parse(failed.time) + 2 * INTERVALS.dnsSeconds * 1000).toISOString();
      await waitFor('two more readings of the record after the forced update failed', async () => ((await diagnosed(lab.jarvis, dns))?.observedAt ?? '') > settled, 60_000, 1000);

      const events = (await lab.reader.events()).filter((e) => e.time >= since);
      const story = timeline(ofIncident(events, rootId));
      const opened = events.filter((e) => e.type === 'IncidentOpened');
      assert.deepEqual(opened.map((e) => [e.subject, e.correlationId]), [[SCENARIO_DDCLIENT, rootId]], story);
      assert.ok(opened[0]!.time <= linked.time, story);
      const aboutRecord = events.filter((e) => e.subject === dns && (e.type === 'IncidentEscalated' || e.type === 'RemediationDecided' || e.type === 'ApprovalRequested'));
      assert.deepEqual(aboutRecord.map((e) => e.type), [], story);
    });
  });
}
