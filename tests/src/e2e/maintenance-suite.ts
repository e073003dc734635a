import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { JarvisEventOf } from '@jarvis/contracts';
import { LOGS_THAT_STAY, ROTATED_LOG_BYTES, seedRotatedLogs } from '../support/aged-files.js';
import { ofIncident, timeline } from '../support/event-reader.js';
import type { Shape } from '../support/jarvis-harness.js';
import { useLab } from '../support/lab.js';
import { Mounts } from '../support/tmpfs.js';

function configFor(mount: string): string {
  return `
disks:
  - mount: ${mount}
    warnPercent: 95
    intervalSeconds: 5
    logFolders: [${mount}/log]
    logMaxAgeDays: 14
maintenance:
  schedules:
    - id: logs-every-minute
      cron: "* * * * *"
      target: disk:${mount}
      action: cleanup_old_logs
      params: { olderThanDays: 14 }
`;
}

/** A scheduled cleanup_old_logs run on a real tmpfs: its own case, decision, action and verification in the log. */
export function maintenanceSuite(shape: Shape): void {
  describe(`scheduled maintenance (${shape})`, { timeout: 300_000 }, () => {
    const base = mkdtempSync(join(tmpdir(), 'jarvis-maint-'));
    const mount = join(base, 'disk');
    const mounts = new Mounts();
    before(() => {
      mounts.tmpfs(mount, '8m');
      seedRotatedLogs(mount);
    });
    const lab = useLab(shape, () => configFor(mount));
    after(() => {
      mounts.unmountAll();
      rmdirSync(mount);
      rmdirSync(base);
    });

    it('runs cleanup_old_logs at its slot as a case of its own, deletes only the old rotated logs, and finishes it verified', async () => {
      const subject = `disk:${mount}`;
      const finished = await lab.explained(subject, lab.reader.waitForEvent('MaintenanceFinished', (e) => e.subject === subject, 150_000));
      const run = ofIncident(await lab.reader.events(), finished.correlationId);
      const story = timeline(run);
      assert.deepEqual(run.map((e) => e.type), ['MaintenanceStarted', 'RemediationDecided', 'ActionStarted', 'ActionSucceeded', 'VerificationPassed', 'MaintenanceFinished'], story);
      const started = run[0] as JarvisEventOf<'MaintenanceStarted'>;
      assert.equal(started.data.schedule, 'logs-every-minute');
      assert.equal(new Date(started.data.slotAt).getUTCSeconds(), 0, 'a cron slot, on the minute');
      const decision = run[1] as JarvisEventOf<'RemediationDecided'>;
      assert.deepEqual([decision.data.outcome, decision.data.rule, decision.data.action, decision.data.params], ['execute', 'scheduled_maintenance', 'cleanup_old_logs', { olderThanDays: 14 }], story);
      const succeeded = run[3] as JarvisEventOf<'ActionSucceeded'>;
      assert.equal(succeeded.data.details['bytesFreed'], ROTATED_LOG_BYTES, story);
      assert.equal(finished.data.outcome, 'done', story);
      assert.deepEqual(readdirSync(join(mount, 'log')).sort(), LOGS_THAT_STAY);
      const incidents = await lab.reader.events((e) => e.type === 'IncidentOpened');
      assert.deepEqual(incidents, [], 'a maintenance run is no incident');
    });
  });
}
