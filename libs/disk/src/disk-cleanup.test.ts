import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { linkSync, lstatSync, lutimesSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TMP_FILES_RULE } from './cleanup-rules.js';
import { cleanTmpFiles, cleanupOldLogs, findReclaimableCandidates, type CleanupOptions } from './disk-cleanup.js';
import { DiskPathError } from './disk-path-error.js';
import { loadWhitelist } from './whitelist.js';

const NOW = new Date('2026-11-28T00:00:00.000Z');
const OLD = new Date(NOW.getTime() - 30 * 86_400_000);
const NEW = new Date(NOW.getTime() - 86_400_000);
const BLOCK = 4096;

let base: string;
before(() => {
  base = mkdtempSync(join(tmpdir(), 'jarvis-disk-unit-'));
});
after(() => rmSync(base, { recursive: true, force: true }));

/** A fresh sandbox per test: `tmp` is whitelisted, `outside` holds a sentinel file and a sentinel folder. */
type Sandbox = { dir: string; tmp: string; outside: string; sentinel: string; sentinelDir: string; sentinelInDir: string };
let sandboxes = 0;
function sandbox(): Sandbox {
  const dir = join(base, `case-${(sandboxes += 1)}`);
  const tmp = join(dir, 'tmp');
  const outside = join(dir, 'outside');
  const sentinelDir = join(outside, 'folder');
  mkdirSync(tmp, { recursive: true });
  mkdirSync(sentinelDir, { recursive: true });
  const sentinel = oldFile(join(outside, 'sentinel'), 'sentinel content');
  const sentinelInDir = oldFile(join(sentinelDir, 'old-inside'), 'folder sentinel');
  return { dir, tmp, outside, sentinel, sentinelDir, sentinelInDir };
}

function oldFile(path: string, content: string | Buffer = Buffer.alloc(BLOCK, 1), mtime = OLD): string {
  writeFileSync(path, content);
  utimesSync(path, mtime, mtime);
  return path;
}

function oldSymlink(target: string, path: string): string {
  symlinkSync(target, path);
  lutimesSync(path, OLD, OLD);
  return path;
}

/** Identity and content, to prove a file was not touched (not deleted, not replaced, not rewritten). */
function fingerprint(path: string): string {
  const stats = lstatSync(path);
  return `${stats.dev}:${stats.ino}:${readFileSync(path, 'hex')}`;
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

async function options(folders: string[], extra: Partial<CleanupOptions> = {}): Promise<CleanupOptions> {
  return { folders: await loadWhitelist(folders), now: NOW, ...extra };
}

type EscapeRow = { label: string; make: (box: Sandbox) => string; reason: RegExp };

/** Entries planted in a whitelisted folder to reach outside it; none may be followed, deleted or counted. */
const ESCAPES: EscapeRow[] = [
  { label: 'symlink to an outside file (absolute)', make: (b) => oldSymlink(b.sentinel, join(b.tmp, 'link')), reason: /^symbolic link/u },
  { label: 'symlink to an outside file (relative)', make: (b) => oldSymlink('../outside/sentinel', join(b.tmp, 'link')), reason: /^symbolic link/u },
  { label: 'symlink through /proc/self/root', make: (b) => oldSymlink(`/proc/self/root${b.sentinel}`, join(b.tmp, 'link')), reason: /^symbolic link/u },
  { label: 'symlink to an outside folder', make: (b) => oldSymlink(b.sentinelDir, join(b.tmp, 'link')), reason: /^symbolic link/u },
  { label: 'symlink to the parent folder', make: (b) => oldSymlink('..', join(b.tmp, 'up')), reason: /^symbolic link/u },
  { label: 'symlink to /', make: (b) => oldSymlink('/', join(b.tmp, 'root')), reason: /^symbolic link/u },
  { label: 'symlink to itself', make: (b) => oldSymlink('loop', join(b.tmp, 'loop')), reason: /^symbolic link/u },
  { label: 'dangling symlink', make: (b) => oldSymlink(join(b.outside, 'missing'), join(b.tmp, 'dangling')), reason: /^symbolic link/u },
  {
    label: 'chain of symlinks ending outside',
    make: (b) => {
      oldSymlink(b.sentinel, join(b.tmp, 'second'));
      return oldSymlink('second', join(b.tmp, 'first'));
    },
    reason: /^symbolic link/u,
  },
  {
    label: 'symlink to an outside file in a nested folder',
    make: (b) => {
      mkdirSync(join(b.tmp, 'a', 'b'), { recursive: true });
      return oldSymlink(b.sentinel, join(b.tmp, 'a', 'b', 'link'));
    },
    reason: /^symbolic link/u,
  },
  {
    label: 'nested folder that is a symlink to an outside folder',
    make: (b) => {
      mkdirSync(join(b.tmp, 'a'));
      return oldSymlink(b.sentinelDir, join(b.tmp, 'a', 'cache'));
    },
    reason: /^symbolic link/u,
  },
  {
    label: 'hard link to an outside file',
    make: (b) => {
      linkSync(b.sentinel, join(b.tmp, 'hard'));
      return join(b.tmp, 'hard');
    },
    reason: /^has 2 hard links/u,
  },
  {
    label: 'hard link to an outside file, three links',
    make: (b) => {
      linkSync(b.sentinel, join(b.outside, 'second-name'));
      linkSync(b.sentinel, join(b.tmp, 'hard'));
      return join(b.tmp, 'hard');
    },
    reason: /^has 3 hard links/u,
  },
  {
    label: 'hard link in a nested folder',
    make: (b) => {
      mkdirSync(join(b.tmp, 'deep'));
      linkSync(b.sentinel, join(b.tmp, 'deep', 'hard'));
      return join(b.tmp, 'deep', 'hard');
    },
    reason: /^has 2 hard links/u,
  },
  {
    label: 'symlink to a hard link of an outside file',
    make: (b) => {
      linkSync(b.sentinel, join(b.outside, 'alias'));
      return oldSymlink(join(b.outside, 'alias'), join(b.tmp, 'link'));
    },
    reason: /^symbolic link/u,
  },
  {
    label: 'FIFO',
    make: (b) => {
      execFileSync('mkfifo', ['--', join(b.tmp, 'pipe')]);
      utimesSync(join(b.tmp, 'pipe'), OLD, OLD);
      return join(b.tmp, 'pipe');
    },
    reason: /^not a regular file/u,
  },
];

/** Names a file can really have on Linux that the guard still refuses: planted as old files, never deleted. */
const HOSTILE_FILE_NAMES: ReadonlyArray<string | Buffer> = [
  'line\nbreak',
  '..\u00a0',
  '...',
  '%2e%2e',
  'a%2fb',
  '%252f',
  'a\\b',
  '\uff0fetc',
  'a\u2215b',
  '\u2025',
  'bell\u0007',
  Buffer.from([0x61, 0xc0, 0xaf, 0x62]),
  Buffer.from([0xff, 0xfe]),
];

describe('cleanTmpFiles: escapes from a whitelisted folder (real filesystem)', () => {
  for (const row of ESCAPES) {
    it(`given a ${row.label}, when cleaning, then it is skipped and nothing outside changes`, async () => {
      const box = sandbox();
      const entry = row.make(box);
      const control = oldFile(join(box.tmp, 'control'));
      const controlBytes = Number(lstatSync(control).blocks) * 512;
      const before = [box.sentinel, box.sentinelInDir].map(fingerprint);

      const report = await cleanTmpFiles(await options([box.tmp]));

      assert.deepEqual([box.sentinel, box.sentinelInDir].map(fingerprint), before);
      assert.ok(exists(entry), `${entry} was removed`);
      const skip = report.skipped.find((s) => s.path === entry);
      assert.ok(skip, `not reported: ${JSON.stringify(report.skipped)}`);
      assert.match(skip.reason, row.reason);
      assert.deepEqual(report.deleted, [control]);
      assert.equal(report.bytesFreed, controlBytes);
    });
  }

  for (const name of HOSTILE_FILE_NAMES) {
    it(`given an old file named ${JSON.stringify(name.toString())}, when cleaning, then it is refused by name and kept`, async () => {
      const box = sandbox();
      const path = Buffer.concat([Buffer.from(`${box.tmp}/`), Buffer.from(name)]);
      writeFileSync(path, 'kept');
      utimesSync(path, OLD, OLD);

      const report = await cleanTmpFiles(await options([box.tmp]));

      assert.equal(readFileSync(path, 'utf8'), 'kept');
      assert.deepEqual(report.deleted, []);
      assert.equal(report.skipped.length, 1, JSON.stringify(report.skipped));
      assert.match(report.skipped[0]!.reason, /^name /u);
    });
  }
});

describe('cleanTmpFiles: what it deletes', () => {
  it('given old and new files in nested folders, deletes the old ones only and counts their blocks', async () => {
    const box = sandbox();
    mkdirSync(join(box.tmp, 'a', 'b'), { recursive: true });
    const old = [oldFile(join(box.tmp, 'one')), oldFile(join(box.tmp, 'a', 'two'), Buffer.alloc(3 * BLOCK)), oldFile(join(box.tmp, 'a', 'b', 'three'))];
    const young = [oldFile(join(box.tmp, 'young'), 'y', NEW), oldFile(join(box.tmp, 'a', 'b', 'young'), 'y', NEW)];
    const expectedBytes = old.reduce((sum, path) => sum + Number(lstatSync(path).blocks) * 512, 0);

    const report = await cleanTmpFiles(await options([box.tmp]));

    assert.deepEqual([...report.deleted].sort(), [...old].sort());
    assert.equal(report.bytesFreed, expectedBytes);
    assert.deepEqual(report.skipped, []);
    assert.equal(report.stoppedEarly, null);
    for (const path of old) assert.equal(exists(path), false, path);
    for (const path of young) assert.equal(exists(path), true, path);
    assert.ok(exists(join(box.tmp, 'a', 'b')), 'folders are kept');
  });

  it('given a file exactly as old as the limit, keeps it; one millisecond older, deletes it', async () => {
    const box = sandbox();
    const edge = new Date(NOW.getTime() - 7 * 86_400_000);
    const atLimit = oldFile(join(box.tmp, 'at-limit'), 'x', edge);
    const past = oldFile(join(box.tmp, 'past-limit'), 'x', new Date(edge.getTime() - 1));

    const report = await cleanTmpFiles(await options([box.tmp]));

    assert.deepEqual(report.deleted, [past]);
    assert.equal(exists(atLimit), true);
  });

  it('honours maxAgeDays', async () => {
    const box = sandbox();
    const tenDays = oldFile(join(box.tmp, 'ten-days'), 'x', new Date(NOW.getTime() - 10 * 86_400_000));
    assert.deepEqual((await cleanTmpFiles(await options([box.tmp], { maxAgeDays: 20 }))).deleted, []);
    assert.deepEqual((await cleanTmpFiles(await options([box.tmp], { maxAgeDays: 9 }))).deleted, [tenDays]);
  });

  it('given a whitelisted path that is a symlink, works in its real folder and reports real paths', async () => {
    const box = sandbox();
    const alias = join(box.dir, 'alias');
    symlinkSync(box.tmp, alias);
    const file = oldFile(join(box.tmp, 'f'));
    const [folder] = await loadWhitelist([alias]);
    assert.equal(folder!.realPath, box.tmp);
    assert.equal(folder!.configured, alias);
    assert.deepEqual((await cleanTmpFiles({ folders: [folder!], now: NOW })).deleted, [file]);
  });

  it('given a whitelisted folder swapped for a symlink after load, refuses it', async () => {
    const box = sandbox();
    const folders = await loadWhitelist([box.tmp]);
    const kept = oldFile(join(box.sentinelDir, 'would-be-deleted'));
    rmSync(box.tmp, { recursive: true });
    symlinkSync(box.sentinelDir, box.tmp);

    const report = await cleanTmpFiles({ folders, now: NOW });

    assert.equal(exists(kept), true);
    assert.deepEqual(report.deleted, []);
    assert.equal(report.skipped.length, 1);
    assert.equal(report.skipped[0]!.path, box.tmp);
  });

  it('given a rule that finds nothing, frees 0 and deletes nothing', async () => {
    const box = sandbox();
    oldFile(join(box.tmp, 'young'), 'y', NEW);
    const report = await cleanTmpFiles(await options([box.tmp]));
    assert.deepEqual(report, { bytesFreed: 0, deleted: [], skipped: [], entriesVisited: 1, stoppedEarly: null });
  });
});

describe('cleanupOldLogs', () => {
  it('given live, rotated and compressed logs, deletes only old rotations and never the live *.log', async () => {
    const box = sandbox();
    const logs = join(box.dir, 'logs');
    mkdirSync(join(logs, 'nginx'), { recursive: true });
    const rotated = ['app.log.1', 'app.log.2.gz', 'syslog-20261001', 'app.old', 'nginx/access.log.3.zst'].map((n) => oldFile(join(logs, n)));
    const kept = [oldFile(join(logs, 'app.log')), oldFile(join(logs, 'nginx', 'access.log')), oldFile(join(logs, 'syslog')), oldFile(join(logs, 'app.log.4'), 'x', NEW)];

    const report = await cleanupOldLogs(await options([logs]));

    assert.deepEqual([...report.deleted].sort(), [...rotated].sort());
    for (const path of kept) assert.equal(exists(path), true, path);
  });

  it('keeps a rotated log younger than 14 days by default', async () => {
    const box = sandbox();
    const tenDays = oldFile(join(box.tmp, 'app.log.1'), 'x', new Date(NOW.getTime() - 10 * 86_400_000));
    assert.deepEqual((await cleanupOldLogs(await options([box.tmp]))).deleted, []);
    assert.equal(exists(tenDays), true);
  });
});

describe('bounded work', () => {
  it('stops after maxEntries entries and says so', async () => {
    const box = sandbox();
    for (let i = 0; i < 10; i += 1) oldFile(join(box.tmp, `f${i}`));
    const report = await cleanTmpFiles(await options([box.tmp], { maxEntries: 3 }));
    assert.equal(report.deleted.length, 3);
    assert.equal(report.entriesVisited, 3);
    assert.equal(report.stoppedEarly, 'entry_limit');
  });

  it('given an aborted signal, deletes nothing', async () => {
    const box = sandbox();
    const file = oldFile(join(box.tmp, 'f'));
    const report = await cleanTmpFiles(await options([box.tmp], { signal: AbortSignal.abort() }));
    assert.deepEqual(report.deleted, []);
    assert.equal(report.stoppedEarly, 'aborted');
    assert.equal(exists(file), true);
  });

  it('given an abort during the sweep, stops at the next file', async () => {
    const box = sandbox();
    for (let i = 0; i < 5; i += 1) oldFile(join(box.tmp, `f${i}`));
    const controller = new AbortController();
    const report = await cleanTmpFiles(await options([box.tmp], { signal: controller.signal, beforeUnlink: () => controller.abort() }));
    assert.equal(report.deleted.length, 1);
    assert.equal(report.stoppedEarly, 'aborted');
  });
});

describe('depth', () => {
  it('does not enter folders nested deeper than 32 levels, and says where it stopped', async () => {
    const box = sandbox();
    const levels = Array.from({ length: 34 }, (_, i) => `d${i}`);
    mkdirSync(join(box.tmp, ...levels), { recursive: true });
    const reachable = oldFile(join(box.tmp, ...levels.slice(0, 32), 'reachable'));
    const tooDeep = oldFile(join(box.tmp, ...levels, 'too-deep'));

    const report = await cleanTmpFiles(await options([box.tmp]));

    assert.deepEqual(report.deleted, [reachable]);
    assert.equal(exists(tooDeep), true);
    assert.deepEqual(report.skipped, [{ path: join(box.tmp, ...levels.slice(0, 33)), reason: 'is deeper than 32 levels: not entered' }]);
  });
});

describe('findReclaimableCandidates', () => {
  it('lists the largest files the rule would delete, capped, with totals, and deletes nothing', async () => {
    const box = sandbox();
    const small = oldFile(join(box.tmp, 'small'), Buffer.alloc(BLOCK));
    const large = oldFile(join(box.tmp, 'large'), Buffer.alloc(4 * BLOCK));
    const medium = oldFile(join(box.tmp, 'medium'), Buffer.alloc(2 * BLOCK));
    oldFile(join(box.tmp, 'young'), Buffer.alloc(8 * BLOCK), NEW);
    oldSymlink(box.sentinel, join(box.tmp, 'link'));
    const bytes = (path: string) => Number(lstatSync(path).blocks) * 512;

    const evidence = await findReclaimableCandidates(TMP_FILES_RULE, await options([box.tmp]), 2);

    assert.deepEqual(
      evidence.candidates.map((c) => [c.path, c.bytes, c.modifiedAt]),
      [large, medium].map((p) => [p, bytes(p), OLD.toISOString()]),
    );
    assert.equal(evidence.totalFiles, 3);
    assert.equal(evidence.totalBytes, bytes(small) + bytes(medium) + bytes(large));
    assert.equal(evidence.rule, 'tmp_files');
    assert.deepEqual(evidence.skipped.map((s) => s.path), [join(box.tmp, 'link')]);
    for (const path of [small, medium, large]) assert.equal(exists(path), true);
  });
});

describe('bad input', () => {
  it('refuses bad options by name before touching anything', async () => {
    const box = sandbox();
    const file = oldFile(join(box.tmp, 'f'));
    const base = await options([box.tmp]);
    await assert.rejects(cleanTmpFiles({ ...base, maxAgeDays: -1 }), /^RangeError: maxAgeDays: must be a number of days >= 0, got -1$/u);
    await assert.rejects(cleanTmpFiles({ ...base, maxAgeDays: Number.NaN }), /maxAgeDays/u);
    await assert.rejects(cleanTmpFiles({ ...base, maxEntries: 0 }), /^RangeError: maxEntries: must be a positive integer, got 0$/u);
    await assert.rejects(cleanTmpFiles({ ...base, now: new Date('nonsense') }), /^TypeError: now: must be a valid Date$/u);
    await assert.rejects(findReclaimableCandidates(TMP_FILES_RULE, base, 0), /^RangeError: limit: must be a positive integer/u);
    assert.equal(exists(file), true);
  });

  it('refuses whitelist folders that are not absolute paths to directories, naming them', async () => {
    const box = sandbox();
    const cases: Array<[string, RegExp]> = [
      ['relative/tmp', /^relative\/tmp: a whitelisted folder must be an absolute path without NUL bytes$/u],
      [`${box.tmp}\0x`, /NUL/u],
      [join(box.dir, 'missing'), /: cannot resolve \(ENOENT\)$/u],
      [box.sentinel, /: not a directory that can be opened \(ENOTDIR\)$/u],
      ['/', /^\/: resolves to the system folder \/: refusing to clean it as a whole$/u],
      ['/usr', /^\/usr: resolves to the system folder \/usr/u],
      ['/usr/', /^\/usr\/: resolves to the system folder \/usr/u],
      ['/etc/../var', /^\/etc\/..\/var: resolves to the system folder \/var/u],
    ];
    for (const [folder, message] of cases) {
      await assert.rejects(loadWhitelist([folder]), (error: unknown) => error instanceof DiskPathError && message.test(error.message));
    }
  });
});
