import assert from 'node:assert/strict';
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmdirSync, statfsSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { RPC, type HealthReply, type JarvisEventOf } from '@jarvis/contracts';
import { ofIncident, timeline } from '../support/event-reader.js';
import type { Shape } from '../support/jarvis-harness.js';
import { callRpc } from '../support/jarvis-rpc.js';
import { useLab } from '../support/lab.js';
import { Mounts } from '../support/tmpfs.js';

const MIB = 1_048_576;
const DAY_MS = 86_400_000;

/** Two small disks, both filled past 80% before Jarvis starts: one with old temp files to clean, one with none. */
function crisisDisks() {
  const base = mkdtempSync(join(tmpdir(), 'jarvis-crisis-'));
  return { base, cleanable: join(base, 'cleanable'), protected: join(base, 'protected') };
}

function configFor(disks: ReturnType<typeof crisisDisks>): string {
  const disk = (mount: string) => `
  - mount: ${mount}
    warnPercent: 80
    intervalSeconds: 1
    tmpFolders: [${mount}/tmp]`;
  return `
disks:${disk(disks.cleanable)}${disk(disks.protected)}
probes:
  failuresBeforeDetection: 2
  passesBeforeRecovery: 2
  timeoutSeconds: 5
verification:
  timeoutSeconds: 10
`;
}

function file(path: string, mib: number, ageDays: number): void {
  writeFileSync(path, Buffer.alloc(mib * MIB, 7));
  const at = new Date(Date.now() - ageDays * DAY_MS);
  utimesSync(path, at, at);
}

/** 10 MiB: 5 MiB of week-old temp files, 1 MiB of fresh ones, 2.5 MiB of old files outside the whitelist, a sentinel. */
function fillCleanable(mount: string): { sentinelIno: number } {
  mkdirSync(join(mount, 'tmp'));
  mkdirSync(join(mount, 'keep'));
  for (let i = 0; i < 5; i++) file(join(mount, 'tmp', `old-${i}.bin`), 1, 10);
  file(join(mount, 'tmp', 'fresh.bin'), 1, 0);
  file(join(mount, 'keep', 'archive.bin'), 2.5, 30);
  writeFileSync(join(mount, 'keep', 'sentinel'), 'do not delete');
  utimesSync(join(mount, 'keep', 'sentinel'), new Date(Date.now() - 30 * DAY_MS), new Date(Date.now() - 30 * DAY_MS));
  symlinkSync(join(mount, 'keep', 'sentinel'), join(mount, 'tmp', 'old-link'));
  return { sentinelIno: lstatSync(join(mount, 'keep', 'sentinel')).ino };
}

/** 10 MiB: only fresh temp files and old files outside the whitelist, 9 MiB in all: nothing may go. */
function fillProtected(mount: string): void {
  mkdirSync(join(mount, 'tmp'));
  mkdirSync(join(mount, 'keep'));
  for (let i = 0; i < 3; i++) file(join(mount, 'tmp', `fresh-${i}.bin`), 1, 1);
  file(join(mount, 'keep', 'archive.bin'), 6, 60);
}

function usedPercent(mount: string): number {
  const s = statfsSync(mount);
  const used = (s.blocks - s.bfree) * s.bsize;
  return (100 * used) / (used + s.bavail * s.bsize);
}

/** The disk-crisis scenario of the original description, against real tmpfs mounts, in one shape. */
export function diskCrisisSuite(shape: Shape): void {
  describe(`a disk crisis (${shape})`, { timeout: 300_000 }, () => {
    const disks = crisisDisks();
    const mounts = new Mounts();
    let sentinelIno = 0;
    before(() => {
      mounts.tmpfs(disks.cleanable, '10m');
      mounts.tmpfs(disks.protected, '10m');
      sentinelIno = fillCleanable(disks.cleanable).sentinelIno;
      fillProtected(disks.protected);
      assert.ok(usedPercent(disks.cleanable) > 80 && usedPercent(disks.protected) > 80, 'both disks start above 80%');
    });
    const lab = useLab(shape, configFor(disks));
    after(() => {
      mounts.unmountAll();
      for (const dir of [disks.cleanable, disks.protected, disks.base]) rmdirSync(dir);
    });

    it('cleans old whitelisted temp files only, frees space below the threshold, verifies, and records the bytes freed', async () => {
      const subject = `disk:${disks.cleanable}`;
      const resolved = await lab.explained(subject, lab.reader.waitForEvent('IncidentResolved', (e) => e.subject === subject, 60_000));
      const incident = ofIncident(await lab.reader.events(), resolved.correlationId);
      const story = timeline(incident);
      const opened = incident.find((e) => e.type === 'IncidentOpened') as JarvisEventOf<'IncidentOpened'>;
      assert.equal(opened.data.check, 'disk_usage', story);
      const decision = incident.find((e) => e.type === 'RemediationDecided') as JarvisEventOf<'RemediationDecided'>;
      assert.deepEqual([decision.data.outcome, decision.data.action, decision.data.params, decision.data.risk], ['execute', 'clean_tmp_files', { olderThanDays: 7 }, 'medium'], story);
      const succeeded = incident.filter((e) => e.type === 'ActionSucceeded') as JarvisEventOf<'ActionSucceeded'>[];
      assert.equal(succeeded.length, 1, story);
      assert.equal(succeeded[0]!.data.details['bytesFreed'], 5 * MIB, story);
      assert.equal(resolved.data.resolution, 'remediated', story);
      assert.ok(incident.some((e) => e.type === 'VerificationPassed'), story);

      assert.deepEqual(readdirSync(join(disks.cleanable, 'tmp')).sort(), ['fresh.bin', 'old-link']);
      assert.deepEqual(readdirSync(join(disks.cleanable, 'keep')).sort(), ['archive.bin', 'sentinel']);
      assert.equal(lstatSync(join(disks.cleanable, 'keep', 'sentinel')).ino, sentinelIno);
      assert.equal(readFileSync(join(disks.cleanable, 'keep', 'sentinel'), 'utf8'), 'do not delete');
      assert.ok(usedPercent(disks.cleanable) < 80, `now ${usedPercent(disks.cleanable).toFixed(1)}% used`);
    });

    it("reports in the monitor's health how well the disk probes keep their schedule", async () => {
      const health = await callRpc<HealthReply>(lab.reader.nc, RPC.health('monitor'));
      const details = health.details as Record<string, number>;
      assert.ok(details['probeLagRuns']! >= 2, JSON.stringify(details));
      assert.ok(details['probeLagP50Ms']! >= 0 && details['probeLagP50Ms']! <= details['probeLagP99Ms']! && details['probeLagP99Ms']! <= details['probeLagMaxMs']!, JSON.stringify(details));
      assert.equal(typeof details['probeSkippedSlots'], 'number', JSON.stringify(details));
    });

    it('escalates with evidence and deletes nothing when only protected files fill the disk', async () => {
      const subject = `disk:${disks.protected}`;
      const escalated = await lab.explained(subject, lab.reader.waitForEvent('IncidentEscalated', (e) => e.subject === subject, 60_000));
      const incident = ofIncident(await lab.reader.events(), escalated.correlationId);
      const story = timeline(incident);
      assert.equal(escalated.data.rule, 'remediation_exhausted', story);
      assert.match(escalated.data.reason, /clean_tmp_files already ran 1 time\(s\).*still 9\d\.\d% used/, story);
      const succeeded = incident.filter((e) => e.type === 'ActionSucceeded') as JarvisEventOf<'ActionSucceeded'>[];
      assert.deepEqual(succeeded.map((e) => e.data.details['bytesFreed']), [0], story);
      const failed = incident.find((e) => e.type === 'VerificationFailed') as JarvisEventOf<'VerificationFailed'>;
      assert.match(failed.data.reason, /nothing reclaimable in the whitelisted folders/, story);
      assert.deepEqual(readdirSync(join(disks.protected, 'tmp')).sort(), ['fresh-0.bin', 'fresh-1.bin', 'fresh-2.bin']);
      assert.deepEqual(readdirSync(join(disks.protected, 'keep')), ['archive.bin']);
      assert.equal(incident.filter((e) => e.type === 'ActionStarted').length, 1, story);
    });
  });
}
