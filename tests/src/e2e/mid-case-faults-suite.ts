import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { JarvisEventOf } from '@jarvis/contracts';
import { LOGS_THAT_STAY, ROTATED_LOG_BYTES, seedRotatedLogs } from '../support/aged-files.js';
import { grantFor } from '../support/approval-fixtures.js';
import { crashMainProcess, runContainer, waitRunning } from '../support/docker-harness.js';
import { countEngineEvents, freshSecond } from '../support/engine-events.js';
import { ofIncident, timeline } from '../support/event-reader.js';
import { onEventPublished } from '../support/event-trigger.js';
import { publishAsAnyClient } from '../support/forged-events.js';
import type { Shape } from '../support/jarvis-harness.js';
import { useLab } from '../support/lab.js';
import { Mounts } from '../support/tmpfs.js';

/** The cleanup's one slot: the first whole minute at least this far from when the config is written (Jarvis starts in between). */
const SLOT_LEAD_MS = 30_000;

function firstSlotAfter(leadMs: number): Date {
  const slot = new Date(Date.now() + leadMs + 59_999);
  slot.setUTCSeconds(0, 0);
  return slot;
}

/** Restarts wait for a person; the disk's log cleanup runs once, at `slot`. */
function configFor(mount: string, slot: Date): string {
  return `
watch:
  reconcileIntervalSeconds: 5
policy:
  autoRestart: false
verification:
  stableForMs: 1000
disks:
  - mount: ${mount}
    warnPercent: 95
    intervalSeconds: 5
    logFolders: [${mount}/log]
    logMaxAgeDays: 14
maintenance:
  schedules:
    - id: logs-once
      cron: "${slot.getUTCMinutes()} ${slot.getUTCHours()} * * *"
      timezone: UTC
      target: disk:${mount}
      action: cleanup_old_logs
      params: { olderThanDays: 14 }
`;
}

/** kill -9 in the middle of a case that a person or a schedule started: it still ends once, acted on once. */
export function midCaseFaultsSuite(shape: Shape): void {
  describe(`faults in the middle of an approval and of a maintenance run (${shape})`, { timeout: 420_000 }, () => {
    const base = mkdtempSync(join(tmpdir(), 'jarvis-midcase-'));
    const mount = join(base, 'disk');
    const mounts = new Mounts();
    before(() => {
      mounts.tmpfs(mount, '8m');
      seedRotatedLogs(mount);
    });
    const lab = useLab(shape, () => configFor(mount, firstSlotAfter(SLOT_LEAD_MS)));
    after(() => {
      mounts.unmountAll();
      rmdirSync(mount);
      rmdirSync(base);
    });

    it('finishes a maintenance run once, cleaning once, when nats-server is killed -9 right after the run started', async () => {
      const subject = `disk:${mount}`;
      const natsKill = await onEventPublished(lab.nats.url, 'MaintenanceStarted', (e) => e.subject === subject, () => lab.nats.process().kill9());
      await natsKill.fired(150_000).finally(() => natsKill.close());
      await sleep(3000);
      await lab.nats.restart();

      const finished = await lab.explained(subject, lab.reader.waitForEvent('MaintenanceFinished', (e) => e.subject === subject, 120_000));
      const run = ofIncident(await lab.reader.events(), finished.correlationId);
      const story = timeline(run);
      assert.deepEqual(run.map((e) => e.type), ['MaintenanceStarted', 'RemediationDecided', 'ActionStarted', 'ActionSucceeded', 'VerificationPassed', 'MaintenanceFinished'], story);
      const slotAt = (run[0] as JarvisEventOf<'MaintenanceStarted'>).data.slotAt;
      const sameSlot = await lab.reader.events((e) => e.type === 'MaintenanceStarted' && e.data.slotAt === slotAt);
      assert.equal(sameSlot.length, 1, 'the slot ran once');
      assert.equal((run[3] as JarvisEventOf<'ActionSucceeded'>).data.details['bytesFreed'], ROTATED_LOG_BYTES, story);
      assert.equal(finished.data.outcome, 'done', story);
      assert.deepEqual(readdirSync(join(mount, 'log')).sort(), LOGS_THAT_STAY);
    });

    it('carries out a grant once when the policy is killed -9 the moment the grant is stored', async () => {
      await runContainer(lab.docker.docker, { name: 'granted', cmd: ['sleep', '100000'], watched: true });
      await waitRunning(lab.docker.docker, 'granted');
      const since = await freshSecond();
      await crashMainProcess(lab.docker.docker, 'granted');
      const request = await lab.explained('container:granted', lab.reader.waitForEvent('ApprovalRequested', (e) => e.subject === 'container:granted'));

      const policy = lab.jarvis.processOf('policy');
      const grant = grantFor(request);
      const policyKill = await onEventPublished(lab.nats.url, 'ApprovalGranted', (e) => e.id === grant.id, () => policy.proc.kill9());
      await publishAsAnyClient(lab.nats.url, [grant]);
      await policyKill.fired(30_000).finally(() => policyKill.close());
      await lab.jarvis.restart(policy);

      const resolved = await lab.explained('container:granted', lab.reader.waitForEvent('IncidentResolved', (e) => e.correlationId === request.correlationId, 90_000));
      const incident = ofIncident(await lab.reader.events(), request.correlationId);
      const story = timeline(incident);
      const executed = incident.filter((e) => e.type === 'RemediationDecided' && e.data.outcome === 'execute') as JarvisEventOf<'RemediationDecided'>[];
      assert.deepEqual(executed.map((d) => [d.data.rule, d.data.approvalId]), [['approval_granted', grant.id]], story);
      assert.equal(incident.filter((e) => e.type === 'ActionStarted').length, 1, story);
      assert.equal(incident.filter((e) => e.type === 'ApprovalRefused').length, 0, story);
      assert.equal(resolved.data.resolution, 'remediated', story);
      assert.equal(await countEngineEvents(lab.docker, 'granted', since, ['restart']), 1, `one restart, the granted one\n${story}`);
    });
  });
}
