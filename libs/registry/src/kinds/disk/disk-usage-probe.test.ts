import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DiskConfig } from '@jarvis/config';
import type { Cleaned, CleanupRuleName, DiskPort, DiskUsageFigures, Reclaimable } from './disk-port.js';
import { DiskUsageProbe } from './disk-usage-probe.js';

const MiB = 1_048_576;

type ReclaimableCall = { rule: CleanupRuleName; folders: readonly string[]; maxAgeDays: number; limit: number };

/** Shows the usage the test sets and, per rule, the candidates it sets; remembers every question. Never cleans. */
class ObservedDisk implements DiskPort {
  readonly reclaimableCalls: ReclaimableCall[] = [];

  constructor(
    private readonly usedPercent: number,
    private readonly candidates: Record<CleanupRuleName, Reclaimable> = { tmp_files: nothing(), old_logs: nothing() },
  ) {}

  async usage(): Promise<DiskUsageFigures> {
    return { totalBytes: 100 * MiB, usedBytes: this.usedPercent * MiB, availableBytes: (100 - this.usedPercent) * MiB, usedPercent: this.usedPercent };
  }

  async reclaimable(rule: CleanupRuleName, folders: readonly string[], maxAgeDays: number, limit: number): Promise<Reclaimable> {
    this.reclaimableCalls.push({ rule, folders, maxAgeDays, limit });
    return this.candidates[rule];
  }

  async clean(): Promise<Cleaned> {
    throw new Error('a probe must never clean');
  }
}

function nothing(): Reclaimable {
  return { totalBytes: 0, totalFiles: 0, largest: [] };
}

const disk = Object.assign(new DiskConfig(), {
  mount: '/srv',
  intervalSeconds: 30,
  warnPercent: 80,
  tmpFolders: ['/srv/tmp'],
  tmpMaxAgeDays: 7,
  logFolders: ['/srv/logs'],
  logMaxAgeDays: 14,
});

const files = (...sizes: Array<[string, number]>) => sizes.map(([path, mb]) => ({ path, bytes: mb * MiB }));

describe('DiskUsageProbe', () => {
  it('is the disk_usage check of disk:<mount>, at the disk\'s interval and the given timeout', () => {
    const probe = new DiskUsageProbe(disk, new ObservedDisk(10), 5000);
    assert.deepEqual({ target: { ...probe.target }, check: probe.check, intervalMs: probe.intervalMs, timeoutMs: probe.timeoutMs }, {
      target: { kind: 'disk', id: '/srv' },
      check: 'disk_usage',
      intervalMs: 30_000,
      timeoutMs: 5000,
    });
  });

  it('given usage below the threshold, when it runs, then it passes without looking for reclaimable files', async () => {
    const port = new ObservedDisk(79);
    assert.deepEqual(await new DiskUsageProbe(disk, port, 5000).run(), { status: 'ok', reason: '79.0% used (79.0 MiB of 100.0 MiB, warn at 80%)' });
    assert.deepEqual(port.reclaimableCalls, []);
  });

  it('given usage over the threshold, when it runs, then it asks both rules with their folders, ages and a limit of five', async () => {
    const port = new ObservedDisk(85);
    await new DiskUsageProbe(disk, port, 5000).run();
    assert.deepEqual(
      [...port.reclaimableCalls].sort((a, b) => a.rule.localeCompare(b.rule)),
      [
        { rule: 'old_logs', folders: ['/srv/logs'], maxAgeDays: 14, limit: 5 },
        { rule: 'tmp_files', folders: ['/srv/tmp'], maxAgeDays: 7, limit: 5 },
      ],
    );
  });

  it('given candidates under tmp and logs, when it fails, then the evidence merges both: totals summed, largest first across the two', async () => {
    const port = new ObservedDisk(90, {
      tmp_files: { totalBytes: 20 * MiB, totalFiles: 3, largest: files(['/srv/tmp/a', 9], ['/srv/tmp/b', 6], ['/srv/tmp/c', 5]) },
      old_logs: { totalBytes: 15 * MiB, totalFiles: 2, largest: files(['/srv/logs/x.1', 8], ['/srv/logs/y.gz', 7]) },
    });
    assert.deepEqual(await new DiskUsageProbe(disk, port, 5000).run(), {
      status: 'failed',
      reason:
        '90.0% used (90.0 MiB of 100.0 MiB, warn at 80%); 35.0 MiB reclaimable in 5 files, largest /srv/tmp/a (9.0 MiB), /srv/logs/x.1 (8.0 MiB), /srv/logs/y.gz (7.0 MiB)',
    });
  });

  it('given nothing reclaimable anywhere, when it fails, then the evidence says so', async () => {
    const finding = await new DiskUsageProbe(disk, new ObservedDisk(99), 5000).run();
    assert.deepEqual(finding, { status: 'failed', reason: '99.0% used (99.0 MiB of 100.0 MiB, warn at 80%); nothing reclaimable in the whitelisted folders' });
  });

  it('given the port fails to read the usage, when it runs, then the error reaches the scheduler (a probe error)', async () => {
    class UnreadableDisk extends ObservedDisk {
      override async usage(): Promise<DiskUsageFigures> {
        throw new Error('statfs /srv: EACCES');
      }
    }
    await assert.rejects(new DiskUsageProbe(disk, new UnreadableDisk(0), 5000).run(), { message: 'statfs /srv: EACCES' });
  });
});
