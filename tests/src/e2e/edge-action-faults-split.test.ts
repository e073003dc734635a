import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { JarvisEvent, JarvisEventOf } from '@jarvis/contracts';
import { FIX_DDCLIENT, RESTORE_DDCLIENT_CREDENTIALS } from '@jarvis/registry';
import { breakDdclient, ddclientOnlyConfig, grantApproval, scheduledRun } from '../lab/dns-scenario.js';
import { startEdgeLab, type EdgeLab } from '../lab/edge-lab.js';
import { ofIncident, timeline } from '../support/event-reader.js';
import { onEventPublished, type EventTrigger } from '../support/event-trigger.js';
import { useLab, type Lab } from '../support/lab.js';
import { exactlyOnceProblems } from '../support/store-invariants.js';

const SUBJECT = 'ddclient:lab';

async function grant(lab: Lab, request: JarvisEventOf<'ApprovalRequested'>): Promise<void> {
  const reply = await grantApproval(lab.jarvis, request, 'test');
  assert.equal(reply.status, 202, JSON.stringify(reply.body));
}

const ofAction = (incident: readonly JarvisEvent[], type: JarvisEvent['type'], action: string) =>
  incident.filter((e) => e.type === type && (e.data as { action?: string }).action === action);

/**
 * The credential restore and the forced update through faults, in the split shape against the real edge lab: each
 * case ends as it would have (remediated), with one edit, one backup, and every fact stored exactly once.
 */
describe('edge actions through a NATS restart and a kill -9 of the executor (split)', { timeout: 420_000 }, () => {
  let edge: EdgeLab;
  const files = { log: '', backups: '' };
  let goodConfig = '';
  const lab = useLab('split', () => ddclientOnlyConfig(edge, files, { runTimeoutSeconds: 10 }), {
    beforeJarvis: async () => {
      edge = await startEdgeLab({ dir: mkdtempSync(join(tmpdir(), 'jarvis-edge-action-faults-')) });
      files.log = join(edge.paths.dir, 'ddclient.log');
      files.backups = mkdtempSync(join(tmpdir(), 'jarvis-edge-action-backups-'));
      writeFileSync(files.log, '');
      goodConfig = readFileSync(edge.paths.ddclientConf, 'utf8');
      await scheduledRun(edge, files.log);
    },
  });

  after(async () => {
    await edge?.stop();
    if (files.backups) rmSync(files.backups, { recursive: true, force: true });
  });

  const backups = () => readdirSync(files.backups).filter((name) => name.endsWith('.bak')).length;

  async function restoreRequested(earlier: readonly string[]): Promise<JarvisEventOf<'ApprovalRequested'>> {
    const wanted = (e: JarvisEventOf<'ApprovalRequested'>) => e.subject === SUBJECT && e.data.action === RESTORE_DDCLIENT_CREDENTIALS && !earlier.includes(e.correlationId);
    return lab.explained(SUBJECT, lab.reader.waitForEvent('ApprovalRequested', wanted, 120_000));
  }

  /** The case, once resolved: remediated by one restore whose edit was applied once, every fact stored once. */
  async function remediatedOnce(caseId: string, backupsBefore: number): Promise<JarvisEvent[]> {
    const resolved = await lab.explained(SUBJECT, lab.reader.waitForEvent('IncidentResolved', (e) => e.correlationId === caseId, 180_000));
    const events = await lab.reader.events();
    const incident = ofIncident(events, caseId);
    const story = timeline(incident);
    assert.equal(resolved.data.resolution, 'remediated', story);
    assert.deepEqual(incident.map((e) => e.type).filter((t) => t.startsWith('Config')), ['ConfigEditProposed', 'ConfigValidated', 'ConfigBackedUp', 'ConfigApplied'], story);
    assert.equal(ofAction(incident, 'ActionStarted', RESTORE_DDCLIENT_CREDENTIALS).length, 1, story);
    assert.equal(ofAction(incident, 'ActionSucceeded', RESTORE_DDCLIENT_CREDENTIALS).length, 1, story);
    assert.equal(backups(), backupsBefore + 1, 'one backup: the file was changed once');
    assert.equal(readFileSync(edge.paths.ddclientConf, 'utf8'), goodConfig, 'the credentials are back');
    assert.deepEqual((await edge.dig(edge.hosts[0]!)).answers, [edge.address], 'the record is published');
    assert.deepEqual(exactlyOnceProblems(events), []);
    return incident;
  }

  async function firedThenClosed(trigger: EventTrigger, timeoutMs: number): Promise<void> {
    try {
      await trigger.fired(timeoutMs);
    } finally {
      await trigger.close();
    }
  }

  it('ends a case as usual when nats-server restarts while fix_ddclient runs, and again between the restore\'s backup and its apply', async () => {
    await lab.explained(SUBJECT, lab.reader.waitForEvent('ConfigKnownGoodRecorded', (e) => e.subject === SUBJECT, 90_000));
    const duringFix = await onEventPublished(lab.nats.url, 'ActionStarted', (e) => e.subject === SUBJECT && e.data.action === FIX_DDCLIENT, () => lab.nats.restart());
    await breakDdclient(edge, files.log);
    const request = await restoreRequested([]);
    await firedThenClosed(duringFix, 10_000);
    const backupsBefore = backups();
    const midEdit = await onEventPublished(lab.nats.url, 'ConfigBackedUp', (e) => e.correlationId === request.correlationId, () => lab.nats.restart());
    await grant(lab, request);
    await firedThenClosed(midEdit, 60_000);
    const incident = await remediatedOnce(request.correlationId, backupsBefore);
    const story = timeline(incident);
    assert.equal(ofAction(incident, 'ActionStarted', FIX_DDCLIENT).length, 1, story);
    assert.equal(ofAction(incident, 'ActionFailed', FIX_DDCLIENT).length, 1, `the forced update failed once, on the typo\n${story}`);
  });

  it('ends a case as usual, the edit applied once, when the executor is killed -9 between the editor\'s ConfigApplied and its ActionSucceeded', async () => {
    const earlier = (await lab.reader.events((e) => e.type === 'ApprovalRequested')).map((e) => e.correlationId);
    await breakDdclient(edge, files.log);
    const request = await restoreRequested(earlier);
    const backupsBefore = backups();
    const executor = lab.jarvis.processOf('executor');
    const kill = await onEventPublished(lab.nats.url, 'ConfigApplied', (e) => e.correlationId === request.correlationId, () => executor.proc.kill9());
    await grant(lab, request);
    await firedThenClosed(kill, 60_000);
    await lab.jarvis.restart(executor);
    const incident = await remediatedOnce(request.correlationId, backupsBefore);
    const succeeded = ofAction(incident, 'ActionSucceeded', RESTORE_DDCLIENT_CREDENTIALS)[0] as JarvisEventOf<'ActionSucceeded'>;
    assert.ok(succeeded.time > (incident.find((e) => e.type === 'ConfigApplied')!.time), timeline(incident));
  });
});
