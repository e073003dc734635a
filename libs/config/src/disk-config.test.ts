import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { validatePlain } from '@jarvis/contracts';
import { DiskConfig, validateDiskFolders } from './disk-config.js';

function errorsOf(plain: unknown): string[] {
  const result = validatePlain(DiskConfig, plain);
  return result.ok ? [] : result.errors;
}

describe('DiskConfig', () => {
  it('given only a mount, takes the defaults', () => {
    const result = validatePlain(DiskConfig, { mount: '/srv' });
    assert.ok(result.ok);
    assert.deepEqual({ ...result.value }, { mount: '/srv', intervalSeconds: 60, warnPercent: 80, tmpFolders: [], tmpMaxAgeDays: 7, logFolders: [], logMaxAgeDays: 14 });
  });

  it('requires the mount', () => assert.deepEqual(errorsOf({}), ['mount: must be a string']));

  it('refuses a mount that could not be a target id', () => {
    assert.deepEqual(errorsOf({ mount: '/mnt/my disk' }), ['mount: must use only letters, digits and . _ @ + - between slashes (it names the target disk:<mount>)']);
  });

  it('names each bad folder entry and its reason', () => {
    assert.deepEqual(errorsOf({ mount: '/srv', tmpFolders: ['/srv/tmp', 'tmp', '/srv/../etc', '/srv/a\0'] }), [
      'tmpFolders: [1] must be an absolute path; [2] must be normalized (no ".", "..", "//" or trailing "/"); [3] must not contain a NUL byte',
    ]);
    assert.deepEqual(errorsOf({ mount: '/srv', logFolders: ['/srv/log', '/srv/log'] }), ['logFolders: must not list a folder twice']);
  });

  it('bounds the numbers and the lists', () => {
    assert.deepEqual(errorsOf({ mount: '/srv', warnPercent: 100 }), ['warnPercent: must not be greater than 99']);
    assert.deepEqual(errorsOf({ mount: '/srv', warnPercent: 0 }), ['warnPercent: must not be less than 1']);
    assert.deepEqual(errorsOf({ mount: '/srv', tmpMaxAgeDays: 1.5 }), ['tmpMaxAgeDays: must be an integer number']);
    assert.deepEqual(errorsOf({ mount: '/srv', logMaxAgeDays: 0 }), ['logMaxAgeDays: must not be less than 1']);
    const many = Array.from({ length: 65 }, (_, i) => `/srv/t${i}`);
    assert.deepEqual(errorsOf({ mount: '/srv', tmpFolders: many }), ['tmpFolders: must contain no more than 64 elements']);
  });
});

describe('validateDiskFolders (real filesystem)', () => {
  const base = mkdtempSync(join(tmpdir(), 'jarvis-disk-config-'));
  after(() => rmSync(base, { recursive: true, force: true }));
  const mount = join(base, 'mount');
  mkdirSync(join(mount, 'tmp'), { recursive: true });
  mkdirSync(join(mount, 'log'));
  mkdirSync(join(base, 'elsewhere'));
  writeFileSync(join(mount, 'file'), 'x');
  symlinkSync(join(base, 'elsewhere'), join(mount, 'escape'));
  symlinkSync(join(mount, 'tmp'), join(base, 'alias-inside'));

  const config = (overrides: Partial<DiskConfig>) => Object.assign(new DiskConfig(), { mount, ...overrides });

  it('given folders under the mount (one through a symlink that stays inside), reports nothing', () => {
    assert.deepEqual(validateDiskFolders(config({ tmpFolders: [join(mount, 'tmp'), join(base, 'alias-inside'), mount], logFolders: [join(mount, 'log')] })), []);
  });

  it('given a symlink under the mount that leads outside it, names the field and the real path', () => {
    assert.deepEqual(validateDiskFolders(config({ tmpFolders: [join(mount, 'tmp'), join(mount, 'escape')] })), [
      `tmpFolders[1]: ${join(mount, 'escape')} resolves to ${join(base, 'elsewhere')}, which is not under the mount ${mount}`,
    ]);
  });

  it('given missing folders, files and folders outside, reports each by field', () => {
    assert.deepEqual(validateDiskFolders(config({ tmpFolders: [join(mount, 'missing')], logFolders: [join(mount, 'file'), join(base, 'elsewhere')] })), [
      `tmpFolders[0]: ${join(mount, 'missing')} cannot be resolved (ENOENT)`,
      `logFolders[0]: ${join(mount, 'file')} is not a directory`,
      `logFolders[1]: ${join(base, 'elsewhere')} resolves to ${join(base, 'elsewhere')}, which is not under the mount ${mount}`,
    ]);
  });

  it('given a folder below the mount on another filesystem, refuses it', () => {
    assert.deepEqual(validateDiskFolders(Object.assign(new DiskConfig(), { mount: '/', logFolders: ['/proc'] })), [
      'logFolders[0]: /proc is on another filesystem than the mount / (a mount point below it)',
    ]);
  });

  it('given a mount that does not exist, says so once and checks no folder', () => {
    assert.deepEqual(validateDiskFolders(config({ mount: join(base, 'nope'), tmpFolders: [join(mount, 'tmp')] }), 'disks[0].'), [
      `disks[0].mount: ${join(base, 'nope')} cannot be resolved (ENOENT)`,
    ]);
  });
});
