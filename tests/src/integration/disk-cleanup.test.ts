import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { linkSync, lstatSync, lutimesSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statfsSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cleanTmpFiles, cleanupOldLogs, DiskPathError, findReclaimableCandidates, loadWhitelist, readDiskUsage, TMP_FILES_RULE, type DiskUsage } from '@jarvis/disk';
import { Mounts } from '../support/tmpfs.js';

const NOW = new Date('2026-11-28T00:00:00.000Z');
const OLD = new Date(NOW.getTime() - 30 * 86_400_000);
const NEW = new Date(NOW.getTime() - 86_400_000);
const KIB = 1024;
const MIB = 1024 * KIB;

/** Sizes are whole pages, so on tmpfs a file's size is exactly the space it occupies and frees. */
function file(path: string, bytes: number, mtime = OLD, fill = 0x61): string {
  writeFileSync(path, Buffer.alloc(bytes, fill));
  utimesSync(path, mtime, mtime);
  return path;
}

function fingerprint(path: string): string {
  const stats = lstatSync(path);
  return `${stats.dev}:${stats.ino}:${stats.size}:${readFileSync(path).toString('base64')}`;
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** What df prints for the mount, in bytes, as an independent reading of the same statfs. */
function dfBytes(mount: string): { size: number; used: number; avail: number; pcent: number } {
  const out = execFileSync('df', ['-B1', '--output=size,used,avail,pcent', '--', mount], { encoding: 'utf8', timeout: 10_000 });
  const [size, used, avail, pcent] = out.trim().split('\n')[1]!.trim().split(/\s+/u);
  return { size: Number(size), used: Number(used), avail: Number(avail), pcent: Number(pcent!.replace('%', '')) };
}

describe('disk cleanup on a real tmpfs', { timeout: 60_000 }, () => {
  const base = mkdtempSync(join(tmpdir(), 'jarvis-disk-'));
  const mounts = new Mounts();
  const disk = join(base, 'disk');
  const tmp = join(disk, 'tmp');
  const logs = join(disk, 'logs');
  const protectedDir = join(disk, 'protected');
  const paths: Record<string, string> = {};
  let sentinels: Record<string, string>;

  before(() => {
    mounts.tmpfs(disk, '8m');
    for (const dir of [join(tmp, 'sub'), logs, join(protectedDir, 'bound-source')]) mkdirSync(dir, { recursive: true });
    paths.oldA = file(join(tmp, 'old-a.bin'), 2 * MIB);
    paths.oldB = file(join(tmp, 'old-b.bin'), 1536 * KIB);
    paths.oldNested = file(join(tmp, 'sub', 'old-c.bin'), 1 * MIB);
    paths.newTmp = file(join(tmp, 'new.bin'), 512 * KIB, NEW);
    paths.outsideOld = file(join(protectedDir, 'old-outside.bin'), 1 * MIB);
    paths.sentinel = file(join(protectedDir, 'sentinel'), 4 * KIB, OLD, 0x53);
    paths.sentinelOffDisk = file(join(base, 'sentinel-off-disk'), 4 * KIB, OLD, 0x54);
    paths.shared = file(join(protectedDir, 'shared.bin'), 256 * KIB, OLD, 0x48);
    paths.boundOld = file(join(protectedDir, 'bound-source', 'old-in-bind.bin'), 64 * KIB);
    paths.link = join(tmp, 'old-link');
    symlinkSync(paths.sentinel, paths.link);
    lutimesSync(paths.link, OLD, OLD);
    paths.linkOffDisk = join(tmp, 'old-link-off-disk');
    symlinkSync(paths.sentinelOffDisk, paths.linkOffDisk);
    lutimesSync(paths.linkOffDisk, OLD, OLD);
    paths.hard = join(tmp, 'old-hard-link');
    linkSync(paths.shared, paths.hard);
    paths.liveLog = file(join(logs, 'app.log'), 128 * KIB);
    paths.rotated1 = file(join(logs, 'app.log.1'), 256 * KIB);
    paths.rotated2 = file(join(logs, 'app.log.2.gz'), 128 * KIB);
    paths.rotatedNew = file(join(logs, 'app.log.3'), 64 * KIB, NEW);
    // Mounted last: a nested tmpfs inside the whitelisted folder, and a bind mount of a protected folder into it.
    paths.nested = mounts.tmpfs(join(tmp, 'nested'), '1m');
    paths.nestedOld = file(join(paths.nested, 'old-on-nested.bin'), 64 * KIB);
    paths.bound = mounts.bind(join(protectedDir, 'bound-source'), join(tmp, 'bound'));
    sentinels = Object.fromEntries(['sentinel', 'sentinelOffDisk', 'shared', 'outsideOld', 'boundOld', 'nestedOld', 'newTmp'].map((k) => [k, fingerprint(paths[k]!)]));
  });

  after(() => {
    mounts.unmountAll();
    rmSync(base, { recursive: true, force: true });
  });

  function assertProtectedUntouched(): void {
    for (const [key, print] of Object.entries(sentinels)) assert.equal(fingerprint(paths[key]!), print, key);
  }

  function assertMatchesStatfs(usage: DiskUsage): void {
    const stats = statfsSync(disk);
    assert.equal(usage.totalBytes, stats.blocks * stats.bsize);
    assert.equal(usage.usedBytes, (stats.blocks - stats.bfree) * stats.bsize);
    assert.equal(usage.availableBytes, stats.bavail * stats.bsize);
    const df = dfBytes(disk);
    assert.deepEqual([usage.totalBytes, usage.usedBytes, usage.availableBytes, Math.ceil(usage.usedPercent)], [df.size, df.used, df.avail, df.pcent]);
  }

  it('reads the usage of the mount as statfs and df do, past the 80% threshold', async () => {
    const usage = await readDiskUsage(disk);
    assert.equal(usage.mount, disk);
    assert.equal(usage.totalBytes, 8 * MIB);
    assert.ok(usage.usedPercent > 80, `used ${usage.usedPercent}%`);
    assertMatchesStatfs(usage);
  });

  it('refuses to read usage of what is not a mount point, naming the path and the reason', async () => {
    const cases: Array<[string, string]> = [
      [tmp, `${tmp}: not a mount point (it lies on the filesystem mounted at ${disk})`],
      [paths.oldA!, `${paths.oldA}: not a directory`],
      [join(disk, 'missing'), `${join(disk, 'missing')}: cannot resolve (ENOENT)`],
      ['relative/disk', 'relative/disk: a mount must be an absolute path without NUL bytes'],
    ];
    for (const [path, message] of cases) {
      await assert.rejects(readDiskUsage(path), (error: unknown) => error instanceof DiskPathError && error.message === message);
    }
  });

  it('lists the largest reclaimable candidates as evidence without deleting anything', async () => {
    const evidence = await findReclaimableCandidates(TMP_FILES_RULE, { folders: await loadWhitelist([tmp]), now: NOW }, 2);
    assert.deepEqual(
      evidence.candidates.map((c) => [c.path, c.bytes]),
      [
        [paths.oldA, 2 * MIB],
        [paths.oldB, 1536 * KIB],
      ],
    );
    assert.equal(evidence.totalFiles, 3);
    assert.equal(evidence.totalBytes, 4.5 * MIB);
    assert.deepEqual(
      evidence.skipped.map((s) => s.path).sort(),
      [paths.bound, paths.hard, paths.link, paths.linkOffDisk, paths.nested].sort(),
    );
    for (const key of ['oldA', 'oldB', 'oldNested']) assert.ok(exists(paths[key]!), key);
    assertProtectedUntouched();
  });

  it('cleans old temp files only, frees exactly their size, and brings usage under the threshold', async () => {
    const before = await readDiskUsage(disk);

    const report = await cleanTmpFiles({ folders: await loadWhitelist([tmp]), now: NOW });

    const after = await readDiskUsage(disk);
    assert.deepEqual([...report.deleted].sort(), [paths.oldA, paths.oldB, paths.oldNested].sort());
    assert.equal(report.bytesFreed, 2 * MIB + 1536 * KIB + 1 * MIB);
    assert.equal(before.usedBytes - after.usedBytes, report.bytesFreed);
    assert.ok(after.usedPercent < 80, `still ${after.usedPercent}%`);
    assertMatchesStatfs(after);
    const reasons = new Map(report.skipped.map((s) => [s.path, s.reason]));
    assert.match(reasons.get(paths.link!) ?? '', /^symbolic link/u);
    assert.match(reasons.get(paths.linkOffDisk!) ?? '', /^symbolic link/u);
    assert.match(reasons.get(paths.hard!) ?? '', /^has 2 hard links/u);
    assert.match(reasons.get(paths.nested!) ?? '', /another filesystem \(mount point\)/u);
    assert.match(reasons.get(paths.bound!) ?? '', /bind mount/u);
    assert.equal(report.skipped.length, 5, JSON.stringify(report.skipped));
    assert.ok(exists(paths.link!) && exists(paths.linkOffDisk!) && exists(paths.hard!), 'links are left in place');
    assertProtectedUntouched();
  });

  it('given nothing left to delete, frees 0 and deletes nothing', async () => {
    const before = await readDiskUsage(disk);
    const report = await cleanTmpFiles({ folders: await loadWhitelist([tmp]), now: NOW });
    assert.equal(report.bytesFreed, 0);
    assert.deepEqual(report.deleted, []);
    assert.equal((await readDiskUsage(disk)).usedBytes, before.usedBytes);
    assertProtectedUntouched();
  });

  it('cleans rotated logs only, never the live one or a new rotation, and frees what statfs sees', async () => {
    const before = await readDiskUsage(disk);
    const report = await cleanupOldLogs({ folders: await loadWhitelist([logs]), now: NOW });
    assert.deepEqual([...report.deleted].sort(), [paths.rotated1, paths.rotated2].sort());
    assert.equal(report.bytesFreed, 384 * KIB);
    assert.equal(before.usedBytes - (await readDiskUsage(disk)).usedBytes, 384 * KIB);
    assert.ok(exists(paths.liveLog!) && exists(paths.rotatedNew!));
    assert.deepEqual(report.skipped, []);
  });

  describe('a folder swapped for a symlink between the check and the delete', () => {
    it('deletes in the folder that was checked, never in the symlink target', async () => {
      // Given tmp/race/victim, old; a decoy outside the whitelist holds a file of the same name.
      const race = join(tmp, 'race');
      mkdirSync(race);
      const victim = file(join(race, 'victim'), 64 * KIB);
      const decoyDir = join(protectedDir, 'decoy');
      mkdirSync(decoyDir);
      const decoy = file(join(decoyDir, 'victim'), 64 * KIB, OLD, 0x44);
      const decoyPrint = fingerprint(decoy);
      const moved = join(protectedDir, 'moved-race');
      let swaps = 0;

      // When, after every check, the folder is moved away and a symlink to the decoy folder takes its place.
      const report = await cleanTmpFiles({
        folders: await loadWhitelist([tmp]),
        now: NOW,
        beforeUnlink: ({ path }) => {
          if (path !== victim) return;
          swaps += 1;
          renameSync(race, moved);
          symlinkSync(decoyDir, race);
        },
      });

      // Then a path-based unlink would have deleted the decoy; the pinned descriptor deleted the checked file.
      assert.equal(swaps, 1);
      assert.equal(fingerprint(decoy), decoyPrint);
      assert.equal(exists(join(moved, 'victim')), false);
      assert.deepEqual(report.deleted, [victim]);
      assertProtectedUntouched();
    });

    it('given the file itself swapped for a symlink to a sentinel, removes only the symlink', async () => {
      const target = file(join(tmp, 'swapped-file'), 64 * KIB);
      const report = await cleanTmpFiles({
        folders: await loadWhitelist([tmp]),
        now: NOW,
        beforeUnlink: ({ path }) => {
          if (path !== target) return;
          rmSync(target);
          symlinkSync(paths.sentinel!, target);
        },
      });
      assert.deepEqual(report.deleted, [target]);
      assert.equal(exists(target), false);
      assertProtectedUntouched();
    });

    it('given a nested folder swapped for a symlink before it is entered, does not enter it', async () => {
      const outer = join(tmp, 'outer');
      mkdirSync(join(outer, 'inner'), { recursive: true });
      file(join(outer, 'inner', 'old.bin'), 4 * KIB);
      const trigger = file(join(outer, 'a-trigger'), 4 * KIB);
      const decoyDir = join(protectedDir, 'decoy-inner');
      mkdirSync(decoyDir);
      const decoy = file(join(decoyDir, 'old.bin'), 4 * KIB, OLD, 0x45);
      const decoyPrint = fingerprint(decoy);

      // The first file deleted in outer triggers the swap of outer/inner, whichever order readdir gives.
      const report = await cleanTmpFiles({
        folders: await loadWhitelist([outer]),
        now: NOW,
        beforeUnlink: ({ path }) => {
          if (path !== trigger) return;
          renameSync(join(outer, 'inner'), join(protectedDir, 'moved-inner'));
          symlinkSync(decoyDir, join(outer, 'inner'));
        },
      });

      assert.equal(fingerprint(decoy), decoyPrint);
      assert.ok(report.deleted.every((path) => !path.startsWith(decoyDir)), JSON.stringify(report.deleted));
      assertProtectedUntouched();
    });
  });
});
