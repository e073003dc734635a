import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DiskConfig } from '@jarvis/config';
import { containerTarget, targetOf } from '@jarvis/contracts';
import { CLEAN_TMP_FILES_RULE } from './clean-tmp-files.js';
import { CLEANUP_OLD_LOGS_RULE } from './cleanup-old-logs.js';
import type { Cleaned, CleanupRuleName, DiskPort, DiskUsageFigures, Reclaimable } from './disk-port.js';
import type { RemediationAction } from '../../remediation-action.js';
import { FolderCleanup, FolderCleanupParams, type FolderCleanupRule } from './folder-cleanup.js';

const MiB = 1_048_576;
const T0 = new Date('2025-03-01T12:00:00.000Z');

function usage(usedPercent: number): DiskUsageFigures {
  return { totalBytes: 100 * MiB, usedBytes: usedPercent * MiB, availableBytes: (100 - usedPercent) * MiB, usedPercent };
}

type CleanCall = { rule: CleanupRuleName; folders: readonly string[]; maxAgeDays: number; signal: AbortSignal };
type ReclaimableCall = { rule: CleanupRuleName; folders: readonly string[]; maxAgeDays: number; limit: number };

/** Shows the usage the test sets, cleans with the outcome the test sets, and remembers what it was asked. */
class ScriptedDisk implements DiskPort {
  usedPercent = 90;
  cleaned: Cleaned = { bytesFreed: 0, deleted: 0, skipped: [] };
  left: Reclaimable = { totalBytes: 0, totalFiles: 0, largest: [] };
  readonly usageCalls: string[] = [];
  readonly cleanCalls: CleanCall[] = [];
  readonly reclaimableCalls: ReclaimableCall[] = [];

  async usage(mount: string): Promise<DiskUsageFigures> {
    this.usageCalls.push(mount);
    return usage(this.usedPercent);
  }

  async reclaimable(rule: CleanupRuleName, folders: readonly string[], maxAgeDays: number, limit: number): Promise<Reclaimable> {
    this.reclaimableCalls.push({ rule, folders, maxAgeDays, limit });
    return this.left;
  }

  async clean(rule: CleanupRuleName, folders: readonly string[], maxAgeDays: number, signal: AbortSignal): Promise<Cleaned> {
    this.cleanCalls.push({ rule, folders, maxAgeDays, signal });
    return this.cleaned;
  }
}

const srvDisk = Object.assign(new DiskConfig(), {
  mount: '/srv',
  warnPercent: 80,
  tmpFolders: ['/srv/tmp', '/srv/cache'],
  tmpMaxAgeDays: 7,
  logFolders: ['/srv/logs'],
  logMaxAgeDays: 14,
});
const bareDisk = Object.assign(new DiskConfig(), { mount: '/data' });
const srv = targetOf('disk', '/srv');

function cleanupWith(rule: FolderCleanupRule = CLEAN_TMP_FILES_RULE) {
  const disk = new ScriptedDisk();
  // Typed as the interface the executor and monitor call it through.
  const action: RemediationAction<FolderCleanupParams> = new FolderCleanup(rule, [srvDisk, bareDisk], disk);
  return { disk, action };
}

const params = (olderThanDays?: number) => Object.assign(new FolderCleanupParams(), olderThanDays === undefined ? {} : { olderThanDays });

describe('FolderCleanup: reobserve, what a fresh look at the disk says', () => {
  it('given a mount not configured under disks, then it is not watched and nothing is read', async () => {
    const { disk, action } = cleanupWith();
    assert.deepEqual(await action.reobserve(targetOf('disk', '/mnt/usb'), T0), {
      kind: 'not_watched',
      reason: '/mnt/usb is not a disk configured in jarvis.yaml (disks[].mount)',
    });
    assert.deepEqual(disk.usageCalls, []);
  });

  it('given a target of another kind with a configured mount\'s name, then it is not watched', async () => {
    assert.equal((await cleanupWith().action.reobserve(containerTarget('srv'), T0)).kind, 'not_watched');
  });

  it('given the disk now below its threshold, then the decision is superseded with the figures as evidence', async () => {
    const { disk, action } = cleanupWith();
    disk.usedPercent = 50;
    assert.deepEqual(await action.reobserve(srv, T0), {
      kind: 'superseded',
      evidence: 'disk_usage ok when the executor looked again: 50.0% used (50.0 MiB of 100.0 MiB, warn at 80%)',
    });
    assert.deepEqual(disk.usageCalls, ['/srv']);
  });

  it('given the disk still at or above its threshold, then the fault holds', async () => {
    const { disk, action } = cleanupWith();
    disk.usedPercent = 80;
    assert.deepEqual(await action.reobserve(srv, T0), { kind: 'fault_holds' });
  });
});

describe('FolderCleanup: execute', () => {
  it('given clean_tmp_files without params, then it cleans the tmp folders with the disk\'s own age and the executor\'s signal', async () => {
    const { disk, action } = cleanupWith(CLEAN_TMP_FILES_RULE);
    const signal = AbortSignal.timeout(1000);
    await action.execute(srv, params(), signal);
    assert.deepEqual(disk.cleanCalls, [{ rule: 'tmp_files', folders: ['/srv/tmp', '/srv/cache'], maxAgeDays: 7, signal }]);
  });

  it('given clean_tmp_files with olderThanDays, then the param overrides the disk\'s age', async () => {
    const { disk, action } = cleanupWith(CLEAN_TMP_FILES_RULE);
    await action.execute(srv, params(30), AbortSignal.timeout(1000));
    assert.equal(disk.cleanCalls[0]?.maxAgeDays, 30);
  });

  it('given cleanup_old_logs, then it cleans the log folders by the old_logs rule with the disk\'s log age', async () => {
    const { disk, action } = cleanupWith(CLEANUP_OLD_LOGS_RULE);
    await action.execute(srv, params(), AbortSignal.timeout(1000));
    assert.deepEqual(
      disk.cleanCalls.map(({ rule, folders, maxAgeDays }) => ({ rule, folders, maxAgeDays })),
      [{ rule: 'old_logs', folders: ['/srv/logs'], maxAgeDays: 14 }],
    );
  });

  it('given files deleted and none skipped, then the result says what was freed where, and the details carry the counts', async () => {
    const { disk, action } = cleanupWith();
    disk.cleaned = { bytesFreed: 12 * MiB, deleted: 3, skipped: [] };
    assert.deepEqual(await action.execute(srv, params(), AbortSignal.timeout(1000)), {
      result: 'freed 12.0 MiB: deleted 3 files older than 7 days in /srv/tmp, /srv/cache',
      details: { bytesFreed: 12 * MiB, filesDeleted: 3, filesSkipped: 0 },
    });
  });

  it('given skipped entries, then the result counts them and names the first with its reason', async () => {
    const { disk, action } = cleanupWith();
    disk.cleaned = {
      bytesFreed: MiB,
      deleted: 1,
      skipped: [
        { path: '/srv/tmp/link', reason: 'symbolic link, not followed' },
        { path: '/srv/tmp/nested', reason: 'another filesystem' },
      ],
    };
    const outcome = await action.execute(srv, params(), AbortSignal.timeout(1000));
    assert.equal(outcome.result, 'freed 1.0 MiB: deleted 1 files older than 7 days in /srv/tmp, /srv/cache; 2 skipped (first: /srv/tmp/link: symbolic link, not followed)');
    assert.equal(outcome.details['filesSkipped'], 2);
  });

  it('given a disk with no folder for the rule, then it says no folder was configured', async () => {
    const { action } = cleanupWith();
    const outcome = await action.execute(targetOf('disk', '/data'), params(), AbortSignal.timeout(1000));
    assert.equal(outcome.result, 'freed 0.0 MiB: deleted 0 files older than 7 days in no configured folder');
  });

  it('given a mount not configured, then it throws naming the mount and deletes nothing', async () => {
    const { disk, action } = cleanupWith();
    await assert.rejects(action.execute(targetOf('disk', '/mnt/usb'), params(), AbortSignal.timeout(1000)), {
      message: '/mnt/usb is not a disk configured in jarvis.yaml',
    });
    assert.deepEqual(disk.cleanCalls, []);
  });
});

describe('FolderCleanup: verify re-runs the disk check', () => {
  it('given the disk below its threshold after the cleanup, then verification passes with the figures', async () => {
    const { disk, action } = cleanupWith();
    disk.usedPercent = 40;
    assert.deepEqual(await action.verify(srv, params(), T0, T0), { kind: 'passed', evidence: '40.0% used (40.0 MiB of 100.0 MiB, warn at 80%)' });
    assert.deepEqual(disk.reclaimableCalls, []);
  });

  it('given the disk still above, then verification fails with the figures and what the rule could still reclaim', async () => {
    const { disk, action } = cleanupWith();
    disk.usedPercent = 95;
    disk.left = { totalBytes: 2 * MiB, totalFiles: 1, largest: [{ path: '/srv/tmp/young.bin', bytes: 2 * MiB }] };
    assert.deepEqual(await action.verify(srv, params(3), T0, T0), {
      kind: 'failed',
      reason: 'still 95.0% used (95.0 MiB of 100.0 MiB, warn at 80%) after clean_tmp_files; 2.0 MiB reclaimable in 1 files, largest /srv/tmp/young.bin (2.0 MiB)',
    });
    assert.deepEqual(disk.reclaimableCalls, [{ rule: 'tmp_files', folders: ['/srv/tmp', '/srv/cache'], maxAgeDays: 3, limit: 5 }]);
    assert.deepEqual(disk.cleanCalls, [], 'verification deletes nothing');
  });

  it('given the disk still above and nothing left to reclaim, then the reason says so', async () => {
    const { disk, action } = cleanupWith(CLEANUP_OLD_LOGS_RULE);
    disk.usedPercent = 95;
    const verdict = await action.verify(srv, params(), T0, T0);
    assert.deepEqual(verdict, {
      kind: 'failed',
      reason: 'still 95.0% used (95.0 MiB of 100.0 MiB, warn at 80%) after cleanup_old_logs; nothing reclaimable in the whitelisted folders',
    });
    assert.deepEqual(disk.reclaimableCalls[0], { rule: 'old_logs', folders: ['/srv/logs'], maxAgeDays: 14, limit: 5 });
  });

  it('given the mount removed from the configuration, then verification fails saying so', async () => {
    assert.deepEqual(await cleanupWith().action.verify(targetOf('disk', '/mnt/usb'), params(), T0, T0), {
      kind: 'failed',
      reason: '/mnt/usb is no longer a configured disk',
    });
  });
});

describe('FolderCleanup: what the policy sees', () => {
  it('given a configured disk, then the default params carry that disk\'s age for the rule', () => {
    const tmp = cleanupWith(CLEAN_TMP_FILES_RULE).action.defaultParams(srv);
    assert.ok(tmp instanceof FolderCleanupParams);
    assert.deepEqual({ ...tmp }, { olderThanDays: 7 });
    assert.deepEqual({ ...cleanupWith(CLEANUP_OLD_LOGS_RULE).action.defaultParams(srv) }, { olderThanDays: 14 });
  });

  it('given a mount not configured, then the default params are empty', () => {
    assert.deepEqual({ ...cleanupWith().action.defaultParams(targetOf('disk', '/mnt/usb')) }, {});
  });

  it('declares its kind, risk, deadline and one attempt per incident', () => {
    const tmp = cleanupWith(CLEAN_TMP_FILES_RULE).action;
    const logs = cleanupWith(CLEANUP_OLD_LOGS_RULE).action;
    assert.deepEqual([tmp.name, tmp.kind, tmp.risk, tmp.deadlineMs, tmp.maxAttemptsPerIncident], ['clean_tmp_files', 'disk', 'medium', 120_000, 1]);
    assert.deepEqual([logs.name, logs.kind, logs.risk, logs.deadlineMs, logs.maxAttemptsPerIncident], ['cleanup_old_logs', 'disk', 'low', 120_000, 1]);
    assert.equal(tmp.params, FolderCleanupParams);
  });

  it('is never already done: a second run finds the old files gone and frees nothing more', async () => {
    assert.equal(await cleanupWith().action.alreadyDone(srv, params(), T0), false);
  });
});
