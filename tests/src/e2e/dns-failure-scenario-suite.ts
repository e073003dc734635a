import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { JarvisEvent, JarvisEventOf } from '@jarvis/contracts';
import { REMEDIATE_SSL, RESTORE_DDCLIENT_CREDENTIALS } from '@jarvis/registry';
import {
  SCENARIO_CADDY as CADDY,
  SCENARIO_DDCLIENT as DDCLIENT,
  SCENARIO_TLS as TLS,
  breakSecretInConfig,
  diagnosed,
  grantApproval,
  loseRecordAndRunDdclient,
  prepareScenarioFiles,
  restartCaddyUntilOrderFails,
  scenarioConfig,
  scheduledRun,
  type ScenarioFiles,
} from '../lab/dns-scenario.js';
import { startEdgeLab, type EdgeLab } from '../lab/edge-lab.js';
import { ofIncident, timeline } from '../support/event-reader.js';
import type { Shape } from '../support/jarvis-harness.js';
import { useLab } from '../support/lab.js';
import { OtlpReceiver } from '../support/otlp-receiver.js';
import { waitFor } from '../support/processes.js';

type Setup = ScenarioFiles & { canaries: string[] };

/**
 * Secrets that must never leave ddclient.conf: a comment, and a retired host's password left commented out. Planted
 * before the known-good copy is taken, so the copy, the backup and the restore all carry them.
 */
function plantCanaries(edge: EdgeLab): string[] {
  const canaries = [`canary-${randomBytes(12).toString('hex')}`, `canary-${randomBytes(12).toString('hex')}`];
  const conf = readFileSync(edge.paths.ddclientConf, 'utf8');
  writeFileSync(edge.paths.ddclientConf, `# note for the admins: ${canaries[0]}\n${conf}# retired host old.${edge.zone}: password=${canaries[1]}\n`, { mode: 0o600 });
  return canaries;
}

function labSecrets(edge: EdgeLab): string[] {
  return [edge.paths.ddclientKey, edge.paths.ddclientTypoKey, edge.paths.tsigKey].map((file) => /secret "([^"]+)"/.exec(readFileSync(file, 'utf8'))![1]!);
}

function first<T extends JarvisEvent['type']>(incident: JarvisEvent[], type: T, wanted: (e: JarvisEventOf<T>) => boolean = () => true): JarvisEventOf<T> | undefined {
  return incident.find((e): e is JarvisEventOf<T> => e.type === type && wanted(e as JarvisEventOf<T>));
}

/**
 * The original scenario end to end: ddclient.conf gets a mistyped secret after a known-good copy exists, the record
 * vanishes and Caddy (restarted without its certificates) cannot get one. One incident rooted in ddclient; the forced
 * update fails; the credential restore waits for the approval the test gives at once; then the record is verified on
 * the authoritative server, Caddy is made to retry as the certificate's own remediation, the certificate is verified
 * over TLS against pebble's root (trusted through `tls.extraCaFolders`), and the incident resolves `remediated`.
 */
export function dnsFailureScenarioSuite(shape: Shape): void {
  describe(`the DNS failure scenario end to end (${shape})`, { timeout: 900_000 }, () => {
    let edge: EdgeLab;
    let setup: Setup;
    const otlp = new OtlpReceiver();
    const env: NodeJS.ProcessEnv = {};
    const lab = useLab(shape, () => scenarioConfig(edge, setup), {
      env,
      beforeJarvis: async () => {
        edge = await startEdgeLab({ dir: mkdtempSync(join(tmpdir(), 'jarvis-dns-scenario-')) });
        setup = { ...(await prepareScenarioFiles(edge, 'jarvis-dns-scenario')), canaries: plantCanaries(edge) };
        await scheduledRun(edge, setup.log);
        await otlp.start();
        Object.assign(env, { OTEL_EXPORTER_OTLP_ENDPOINT: otlp.endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_BSP_SCHEDULE_DELAY: '200' });
      },
    });

    after(async () => {
      await otlp.stop();
      await edge?.stop();
    });

    it('with ddclient publishing, keeps a known-good copy and gets the certificate, trusted through tls.extraCaFolders', async () => {
      await lab.explained(DDCLIENT, lab.reader.waitForEvent('ConfigKnownGoodRecorded', (e) => e.subject === DDCLIENT, 120_000));
      await waitFor('the certificate to pass its check', async () => (await diagnosed(lab.jarvis, TLS))?.status === 'ok', 240_000, 5000);
    });

    it('breaks the secret: one incident rooted in ddclient, remediated with no human step but the approval, and no canary anywhere', async () => {
      const host = edge.hosts[0]!;
      const dns = `dns_record:${host}`;
      const since = new Date().toISOString();
      breakSecretInConfig(edge);
      await loseRecordAndRunDdclient(edge, setup.log);
      // Caddy loses its certificates only once the name fails: its retries then meet the missing record.
      await lab.explained(dns, lab.reader.waitForEvent('ConsequenceLinked', (e) => e.subject === dns && e.time >= since, 120_000));
      await restartCaddyUntilOrderFails(edge);

      const wanted = (e: JarvisEventOf<'ApprovalRequested'>) => e.subject === DDCLIENT && e.data.action === RESTORE_DDCLIENT_CREDENTIALS && e.time >= since;
      const request = await lab.explained(DDCLIENT, lab.reader.waitForEvent('ApprovalRequested', wanted, 180_000));
      const diff = request.data.diff ?? '';
      assert.match(diff, /^-password=\*{8}$/m, diff);
      assert.match(diff, /^\+password=\*{8}$/m, diff);
      const granted = await grantApproval(lab.jarvis, request, 'test');
      assert.equal(granted.status, 202, JSON.stringify(granted.body));

      const caseId = request.correlationId;
      const resolved = await lab.explained(DDCLIENT, lab.reader.waitForEvent('IncidentResolved', (e) => e.correlationId === caseId, 420_000));
      const incident = ofIncident(await lab.reader.events(), caseId);
      const story = timeline(incident);
      assert.equal(resolved.data.resolution, 'remediated', story);
      assert.equal(incident.filter((e) => e.type === 'IncidentOpened').length, 1, story);
      assert.equal(incident.filter((e) => e.type === 'IncidentEscalated').length, 0, story);
      assert.deepEqual(incident.filter((e) => e.type === 'ApprovalGranted').length, 1, 'the approval is the only human step');

      const linked = new Set(incident.filter((e) => e.type === 'ConsequenceLinked').map((e) => e.subject));
      assert.ok(linked.has(dns) && (linked.has(TLS) || linked.has(CADDY)), `the record and the certificate are consequences: ${[...linked].join(', ')}\n${story}`);
      const failedForce = first(incident, 'ActionFailed');
      assert.ok(failedForce, `the forced update failed first\n${story}`);
      assert.deepEqual(incident.map((e) => e.type).filter((t) => t.startsWith('Config')), ['ConfigEditProposed', 'ConfigValidated', 'ConfigBackedUp', 'ConfigApplied'], story);
      assert.ok(!readFileSync(edge.paths.ddclientConf, 'utf8').includes(edge.paths.ddclientTypoKey), 'the credentials are restored');
      assert.deepEqual((await edge.dig(host)).answers, [edge.address], 'the record is back on the authoritative server');

      const dnsRecovered = first(incident, 'ConsequenceRecovered', (e) => e.subject === dns);
      const sslDecision = first(incident, 'RemediationDecided', (e) => e.data.action === REMEDIATE_SSL);
      const caddyRecovered = first(incident, 'ConsequenceRecovered', (e) => e.subject === CADDY);
      const tlsRecovered = first(incident, 'ConsequenceRecovered', (e) => e.subject === TLS);
      assert.ok(dnsRecovered && sslDecision && caddyRecovered && tlsRecovered, story);
      assert.equal(sslDecision.subject, CADDY);
      assert.equal(sslDecision.data.consequenceCheck, 'caddy_certificates');
      assert.equal(sslDecision.data.rule, 'consequence_remediation');
      assert.ok(dnsRecovered.time <= sslDecision.time, `Caddy retries once the record resolves\n${story}`);
      assert.ok(first(incident, 'VerificationPassed', (e) => e.data.decisionId === sslDecision.id), story);
      assert.ok(tlsRecovered.time <= resolved.time, story);

      const secrets = [...setup.canaries, ...labSecrets(edge)];
      const places = { 'the event store': JSON.stringify(await lab.reader.events()), 'the process logs': lab.jarvis.logs(), 'the exported spans': JSON.stringify(otlp.spans) };
      assert.ok(otlp.spans.length > 0, 'spans were exported');
      for (const [where, text] of Object.entries(places)) for (const secret of secrets) assert.ok(!text.includes(secret), `${where} holds a secret of ddclient.conf`);
    });
  });
}
