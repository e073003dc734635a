import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DiskUsageFigures, Reclaimable } from './disk-port.js';
import { describeReclaimable, judgeDiskUsage, mib } from './disk-usage-check.js';

const MiB = 1_048_576;

/** A 100 MiB mount with `used` MiB in use, counted like df. */
function usage(usedMiB: number): DiskUsageFigures {
  const usedBytes = Math.round(usedMiB * MiB);
  const availableBytes = 100 * MiB - usedBytes;
  return { totalBytes: 100 * MiB, usedBytes, availableBytes, usedPercent: (usedBytes / (usedBytes + availableBytes)) * 100 };
}

const reclaimable: Reclaimable = {
  totalBytes: 30 * MiB,
  totalFiles: 4,
  largest: [
    { path: '/srv/tmp/a.bin', bytes: 12 * MiB },
    { path: '/srv/tmp/b.bin', bytes: 9 * MiB },
    { path: '/srv/logs/c.log.1', bytes: 6 * MiB },
    { path: '/srv/tmp/d.bin', bytes: 3 * MiB },
  ],
};

describe('judgeDiskUsage: usage against the warn threshold', () => {
  const table: Array<{ given: string; usedMiB: number; warnPercent: number; status: 'ok' | 'failed'; reason: string }> = [
    { given: 'well below', usedMiB: 10, warnPercent: 80, status: 'ok', reason: '10.0% used (10.0 MiB of 100.0 MiB, warn at 80%)' },
    { given: 'just below', usedMiB: 79.9, warnPercent: 80, status: 'ok', reason: '79.9% used (79.9 MiB of 100.0 MiB, warn at 80%)' },
    { given: 'exactly at', usedMiB: 80, warnPercent: 80, status: 'failed', reason: '80.0% used (80.0 MiB of 100.0 MiB, warn at 80%)' },
    { given: 'above', usedMiB: 93.5, warnPercent: 80, status: 'failed', reason: '93.5% used (93.5 MiB of 100.0 MiB, warn at 80%)' },
    { given: 'above a lower threshold', usedMiB: 60, warnPercent: 50, status: 'failed', reason: '60.0% used (60.0 MiB of 100.0 MiB, warn at 50%)' },
    { given: 'full', usedMiB: 100, warnPercent: 99, status: 'failed', reason: '100.0% used (100.0 MiB of 100.0 MiB, warn at 99%)' },
  ];
  for (const row of table) {
    it(`given usage ${row.given} the threshold (${row.usedMiB} MiB used, warn at ${row.warnPercent}%), then ${row.status} with the figures`, () => {
      assert.deepEqual(judgeDiskUsage(usage(row.usedMiB), { warnPercent: row.warnPercent }, null), { status: row.status, reason: row.reason });
    });
  }

  it('given usage below the threshold and candidates, then the reason carries only the figures: nothing needs reclaiming', () => {
    assert.deepEqual(judgeDiskUsage(usage(50), { warnPercent: 80 }, reclaimable), { status: 'ok', reason: '50.0% used (50.0 MiB of 100.0 MiB, warn at 80%)' });
  });

  it('given usage above the threshold and candidates, then the evidence names the total and the three largest', () => {
    assert.deepEqual(judgeDiskUsage(usage(90), { warnPercent: 80 }, reclaimable), {
      status: 'failed',
      reason:
        '90.0% used (90.0 MiB of 100.0 MiB, warn at 80%); 30.0 MiB reclaimable in 4 files, largest /srv/tmp/a.bin (12.0 MiB), /srv/tmp/b.bin (9.0 MiB), /srv/logs/c.log.1 (6.0 MiB)',
    });
  });

  it('given usage above the threshold and nothing reclaimable, then the evidence says so', () => {
    const none: Reclaimable = { totalBytes: 0, totalFiles: 0, largest: [] };
    assert.equal(judgeDiskUsage(usage(90), { warnPercent: 80 }, none).reason, '90.0% used (90.0 MiB of 100.0 MiB, warn at 80%); nothing reclaimable in the whitelisted folders');
  });

  it('given a reserved-blocks mount (total above used + available), then the percentage is the df one and the size used + available', () => {
    const figures: DiskUsageFigures = { totalBytes: 110 * MiB, usedBytes: 80 * MiB, availableBytes: 20 * MiB, usedPercent: 80 };
    assert.equal(judgeDiskUsage(figures, { warnPercent: 80 }, null).reason, '80.0% used (80.0 MiB of 100.0 MiB, warn at 80%)');
  });
});

describe('describeReclaimable and mib', () => {
  it('given fewer than three candidates, then all are named', () => {
    assert.equal(
      describeReclaimable({ totalBytes: 3 * MiB, totalFiles: 1, largest: [{ path: '/srv/tmp/x', bytes: 3 * MiB }] }),
      '3.0 MiB reclaimable in 1 files, largest /srv/tmp/x (3.0 MiB)',
    );
  });

  it('rounds bytes to a tenth of a MiB', () => {
    assert.equal(mib(0), '0.0 MiB');
    assert.equal(mib(1_572_864), '1.5 MiB');
    assert.equal(mib(104_857), '0.1 MiB');
  });
});
