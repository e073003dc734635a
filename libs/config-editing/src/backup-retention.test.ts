import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backupStamp, backupsToDelete, parseBackupStamp } from './backup-retention.js';

const DAY = 86_400_000;
const now = new Date('2026-11-29T12:00:00.000Z');
const taken = (name: string, daysAgo: number) => ({ name, takenAt: new Date(now.getTime() - daysAgo * DAY) });

describe('backupsToDelete', () => {
  it('keeps the newest by count', () => {
    const backups = [taken('a', 4), taken('b', 3), taken('c', 2), taken('d', 1)];
    assert.deepEqual(backupsToDelete(backups, now, { keep: 2, maxAgeMs: 30 * DAY }).sort(), ['a', 'b']);
  });

  it('deletes by age, but never the newest backup', () => {
    const backups = [taken('old', 40), taken('older', 50)];
    assert.deepEqual(backupsToDelete(backups, now, { keep: 10, maxAgeMs: 30 * DAY }), ['older']);
  });

  it('deletes nothing while within both limits', () => {
    assert.deepEqual(backupsToDelete([taken('a', 1), taken('b', 2)], now, { keep: 5, maxAgeMs: 30 * DAY }), []);
  });
});

describe('backup stamps', () => {
  it('round-trip and refuse anything else', () => {
    assert.equal(backupStamp(now), '20261129T120000000Z');
    assert.equal(parseBackupStamp(backupStamp(now))?.toISOString(), now.toISOString());
    assert.equal(parseBackupStamp('20261329T120000000Z'), undefined);
    assert.equal(parseBackupStamp('latest'), undefined);
  });
});
