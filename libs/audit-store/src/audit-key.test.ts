import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readAuditKey } from './audit-key.js';

describe('readAuditKey', () => {
  const root = mkdtempSync(join(tmpdir(), 'jarvis-audit-key-'));
  const data = join(root, 'data');
  mkdirSync(data);
  const write = (path: string, text: string, mode = 0o600) => {
    writeFileSync(path, text);
    chmodSync(path, mode);
  };

  it('reads a private key inside the data folder, without its trailing newline', () => {
    write(join(data, 'audit.key'), `${'a'.repeat(40)}\n`);
    assert.equal(readAuditKey('k', 'audit.key', data).toString(), 'a'.repeat(40));
  });

  it('refuses a symlink that leads out of the data folder, a key others can read, and a short key', () => {
    write(join(root, 'outside.key'), 'b'.repeat(40));
    symlinkSync(join(root, 'outside.key'), join(data, 'link.key'));
    assert.throws(() => readAuditKey('audit.checkpointKeyFile', 'link.key', data), /^AuditKeyError: audit\.checkpointKeyFile: link\.key resolves to .*outside\.key, outside /);
    write(join(data, 'open.key'), 'c'.repeat(40), 0o644);
    assert.throws(() => readAuditKey('k', 'open.key', data), /readable by others \(mode 644\); chmod 600 it/);
    write(join(data, 'short.key'), 'short');
    assert.throws(() => readAuditKey('k', 'short.key', data), /holds 5 bytes, a key needs at least 32/);
    assert.throws(() => readAuditKey('k', 'absent.key', data), /cannot read absent\.key \(ENOENT\)/);
  });
});
