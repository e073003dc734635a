import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ApprovalsReply, JarvisEventOf } from '@jarvis/contracts';
import { RESTORE_DDCLIENT_CREDENTIALS } from '@jarvis/registry';
import { breakDdclient, ddclientOnlyConfig, jarvisApi, labSecrets, scheduledRun } from '../lab/dns-scenario.js';
import { startEdgeLab, type EdgeLab } from '../lab/edge-lab.js';
import { runJarvisCli } from '../support/jarvis-cli.js';
import { ofIncident, timeline } from '../support/event-reader.js';
import { onEventPublished } from '../support/event-trigger.js';
import type { Shape } from '../support/jarvis-harness.js';
import { useLab, type Lab } from '../support/lab.js';

const SUBJECT = 'ddclient:lab';

/** The approval request for the credential restore in a case ddclient's break opened (not one of `earlier`). */
async function restoreRequested(lab: Lab, earlier: readonly string[] = []): Promise<JarvisEventOf<'ApprovalRequested'>> {
  const wanted = (e: JarvisEventOf<'ApprovalRequested'>) => e.subject === SUBJECT && e.data.action === RESTORE_DDCLIENT_CREDENTIALS && !earlier.includes(e.correlationId);
  return lab.explained(SUBJECT, lab.reader.waitForEvent('ApprovalRequested', wanted, 120_000));
}

function assertNoSecret(where: string, text: string, secrets: readonly string[]): void {
  for (const secret of secrets) assert.ok(!text.includes(secret), `${where} holds a TSIG secret`);
}

/**
 * ddclient's secret gets a typo in ddclient.conf: the forced update fails, the policy falls back to restoring the
 * credentials from the copy the config editor kept when ddclient last published, asks for approval with the masked
 * diff, and once granted the executor has the config editor apply it and forces the update.
 */
export function ddclientCredentialsSuite(shape: Shape): void {
  describe(`ddclient's credentials restored from the last known good, with approval (${shape})`, { timeout: 600_000 }, () => {
    let edge: EdgeLab;
    const files = { log: '', backups: '' };
    let goodConfig = '';
    const lab = useLab(shape, () => ddclientOnlyConfig(edge, files), {
      beforeJarvis: async () => {
        edge = await startEdgeLab({ dir: mkdtempSync(join(tmpdir(), 'jarvis-ddclient-credentials-')) });
        files.log = join(edge.paths.dir, 'ddclient.log');
        files.backups = mkdtempSync(join(tmpdir(), 'jarvis-config-backups-'));
        writeFileSync(files.log, '');
        goodConfig = readFileSync(edge.paths.ddclientConf, 'utf8');
        await scheduledRun(edge, files.log);
      },
    });

    after(async () => {
      await edge?.stop();
    });

    it('keeps a 0600 known-good copy of ddclient.conf once the monitor confirms ddclient publishes', async () => {
      const kept = await lab.explained(SUBJECT, lab.reader.waitForEvent('ConfigKnownGoodRecorded', (e) => e.subject === SUBJECT, 90_000));
      const copy = join(files.backups, 'known-good', kept.data.knownGood);
      assert.equal(readFileSync(copy, 'utf8'), goodConfig);
      assert.equal(statSync(copy).mode & 0o777, 0o600);
      assert.equal(kept.data.path, edge.paths.ddclientConf);
    });

    it('given a typo in the secret: one incident, the forced update fails, then an approval request showing the masked diff', async () => {
      await breakDdclient(edge, files.log);
      const request = await restoreRequested(lab);
      const story = timeline(ofIncident(await lab.reader.events(), request.correlationId));
      assert.match(story, /ActionFailed/, story);
      const diff = request.data.diff ?? '';
      assert.match(diff, /^-password=\*{8}$/m, diff);
      assert.match(diff, /^\+password=\*{8}$/m, diff);
      assert.ok(!diff.includes(edge.paths.ddclientTypoKey) && !diff.includes(edge.paths.ddclientKey), `the password values are masked:\n${diff}`);
      const listed = (await jarvisApi(lab.jarvis, 'GET', '/approvals')).body as ApprovalsReply;
      assert.equal(listed.approvals.find((a) => a.id === request.id)?.diff, diff, 'GET /approvals shows the same diff');
      const printed = await runJarvisCli(['approvals'], { JARVIS_API_URL: `http://127.0.0.1:${lab.jarvis.httpPort}` });
      assert.equal(printed.status, 0, printed.stderr);
      assert.match(printed.stdout, new RegExp(`${request.id}[\\s\\S]*diff \\(secrets masked\\):\\n[\\s\\S]*^ {4}-password=\\*{8}$`, 'm'), printed.stdout);
      assert.ok(!printed.stdout.includes(edge.paths.ddclientTypoKey) && !printed.stdout.includes(edge.paths.ddclientKey), `jarvis approvals masks the passwords:\n${printed.stdout}`);
    });

    it('once granted: backed up, validated, applied, the forced update publishes, and the incident is remediated; no secret anywhere', async () => {
      const request = await restoreRequested(lab);
      const granted = await jarvisApi(lab.jarvis, 'POST', `/approvals/${request.id}/approve`, { by: 'test', digest: request.data.digest });
      assert.equal(granted.status, 202, JSON.stringify(granted.body));
      const resolved = await lab.explained(SUBJECT, lab.reader.waitForEvent('IncidentResolved', (e) => e.correlationId === request.correlationId, 180_000));
      const incident = ofIncident(await lab.reader.events(), request.correlationId);
      const story = timeline(incident);
      assert.equal(resolved.data.resolution, 'remediated', story);
      const steps = incident.map((e) => e.type).filter((t) => t.startsWith('Config'));
      assert.deepEqual(steps, ['ConfigEditProposed', 'ConfigValidated', 'ConfigBackedUp', 'ConfigApplied'], story);
      assert.equal(readFileSync(edge.paths.ddclientConf, 'utf8'), goodConfig, 'the credentials are back, nothing else changed');
      const backedUp = incident.find((e): e is JarvisEventOf<'ConfigBackedUp'> => e.type === 'ConfigBackedUp')!;
      assert.ok(readFileSync(backedUp.data.backupPath, 'utf8').includes(`password=${edge.paths.ddclientTypoKey}`), 'the backup holds the broken file');
      assert.equal(statSync(backedUp.data.backupPath).mode & 0o777, 0o600);
      assert.deepEqual((await edge.dig(edge.hosts[0]!)).answers, [edge.address], 'the forced update published the record');
      const started = incident.filter((e) => e.type === 'ActionStarted' && e.data.action === RESTORE_DDCLIENT_CREDENTIALS);
      assert.equal(started.length, 1, story);
      const secrets = labSecrets(edge);
      assertNoSecret('the event store', JSON.stringify(await lab.reader.events()), secrets);
      assertNoSecret('the logs', lab.jarvis.logs(), secrets);
    });

    let rejectedCase = '';

    it('a rejected approval changes nothing', async () => {
      const earlier = (await lab.reader.events((e) => e.type === 'ApprovalRequested')).map((e) => e.correlationId);
      await breakDdclient(edge, files.log);
      const request = await restoreRequested(lab, earlier);
      rejectedCase = request.correlationId;
      const broken = readFileSync(edge.paths.ddclientConf, 'utf8');
      const rejected = await jarvisApi(lab.jarvis, 'POST', `/approvals/${request.id}/reject`, { by: 'test', reason: 'not now' });
      assert.equal(rejected.status, 202, JSON.stringify(rejected.body));
      await lab.reader.waitForEvent('ApprovalRejected', (e) => e.data.requestId === request.id, 30_000);
      await sleep(15_000);
      const incident = ofIncident(await lab.reader.events(), request.correlationId);
      assert.equal(readFileSync(edge.paths.ddclientConf, 'utf8'), broken, 'the file is as it was');
      assert.ok(!incident.some((e) => e.type.startsWith('Config') || (e.type === 'ActionStarted' && e.data.action === RESTORE_DDCLIENT_CREDENTIALS)), timeline(incident));
    });

    it('applies the restore once when the executor is killed -9 the moment the action is started', async () => {
      // A person fixes it by hand; ddclient skips updates for minutes after a failure, hence -force.
      edge.fixSecret();
      await scheduledRun(edge, files.log, true);
      await lab.explained(SUBJECT, lab.reader.waitForEvent('IncidentResolved', (e) => e.correlationId === rejectedCase, 60_000));
      const earlier = (await lab.reader.events((e) => e.type === 'ApprovalRequested')).map((e) => e.correlationId);
      await breakDdclient(edge, files.log);
      const request = await restoreRequested(lab, earlier);
      const backupsBefore = readdirSync(files.backups).filter((name) => name.endsWith('.bak')).length;
      const executor = lab.jarvis.processOf('executor');
      const kill = await onEventPublished(lab.nats.url, 'ActionStarted', (e) => e.correlationId === request.correlationId && e.data.action === RESTORE_DDCLIENT_CREDENTIALS, () => executor.proc.kill9());
      try {
        const granted = await jarvisApi(lab.jarvis, 'POST', `/approvals/${request.id}/approve`, { by: 'test', digest: request.data.digest });
        assert.equal(granted.status, 202, JSON.stringify(granted.body));
        await kill.fired(60_000);
      } finally {
        await kill.close();
      }
      await lab.jarvis.restart(executor);
      const resolved = await lab.explained(SUBJECT, lab.reader.waitForEvent('IncidentResolved', (e) => e.correlationId === request.correlationId, 240_000));
      const incident = ofIncident(await lab.reader.events(), request.correlationId);
      const story = timeline(incident);
      assert.equal(resolved.data.resolution, 'remediated', story);
      assert.equal(incident.filter((e) => e.type === 'ActionStarted' && e.data.action === RESTORE_DDCLIENT_CREDENTIALS).length, 1, story);
      assert.equal(incident.filter((e) => e.type === 'ConfigApplied').length, 1, story);
      assert.equal(readdirSync(files.backups).filter((name) => name.endsWith('.bak')).length, backupsBefore + 1, 'one backup: the file was changed once');
      assert.equal(readFileSync(edge.paths.ddclientConf, 'utf8'), goodConfig);
    });
  });
}
