import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ConfigFiles, loadAllowedPaths } from './config-files.js';

const root = mkdtempSync(join(tmpdir(), 'jarvis-config-files-'));
after(() => rmSync(root, { recursive: true, force: true }));

describe('ConfigFiles', () => {
  it('gives two backups of one file in the same millisecond distinct names, both 0600', async () => {
    const etc = join(root, 'etc');
    mkdirSync(etc);
    const file = join(etc, 'a.conf');
    writeFileSync(file, 'x=1\n');
    const files = new ConfigFiles({ allowed: await loadAllowedPaths([etc]), retention: { keep: 10, maxAgeMs: 86_400_000 } });
    const read = await files.read(file);
    const at = new Date('2026-11-29T02:00:00.000Z');
    const [first, second] = [await files.backup(read, at), await files.backup(read, at)];
    assert.notEqual(first, second);
    for (const path of [first, second]) {
      assert.equal(readFileSync(path, 'utf8'), 'x=1\n');
      assert.equal(statSync(path).mode & 0o7777, 0o600);
    }
    assert.equal(readdirSync(etc).filter((name) => name.endsWith('.bak')).length, 2);
  });

  it('refuses whitelist entries that are the root, relative, or missing, naming the entry', async () => {
    await assert.rejects(loadAllowedPaths(['/']), /whole filesystem/u);
    await assert.rejects(loadAllowedPaths(['etc']), /etc must be an absolute path/u);
    await assert.rejects(loadAllowedPaths([join(root, 'missing')]), /missing cannot be resolved \(ENOENT\)/u);
  });

  it('reads a secret file but not through a symlink', async () => {
    const secrets = join(root, 'secrets');
    mkdirSync(secrets);
    writeFileSync(join(secrets, 'token'), 's3cret\n');
    symlinkSync(join(secrets, 'token'), join(secrets, 'link'));
    const files = new ConfigFiles({ allowed: [], secretsFolder: secrets, retention: { keep: 1, maxAgeMs: 1 } });
    assert.equal(await files.readSecret('token'), 's3cret');
    await assert.rejects(files.readSecret('link'), /ELOOP/u);
    await assert.rejects(files.readSecret('../token'), /plain file name/u);
  });
});
