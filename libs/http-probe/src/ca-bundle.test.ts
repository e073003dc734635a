import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { rootCertificates } from 'node:tls';
import { CaFileRefused, readCaBundle } from './ca-bundle.js';

describe('readCaBundle (on a temporary folder)', () => {
  let root: string;
  let allowed: string;
  let outside: string;
  const pem = `${rootCertificates[0]}\n${rootCertificates[1]}\n`;

  before(() => {
    root = mkdtempSync(join(tmpdir(), 'jarvis-ca-bundle-'));
    allowed = join(root, 'allowed');
    outside = join(root, 'outside');
    mkdirSync(join(allowed, 'lab'), { recursive: true });
    mkdirSync(outside);
    writeFileSync(join(allowed, 'lab', 'ca.pem'), pem);
    writeFileSync(join(outside, 'ca.pem'), pem);
    writeFileSync(join(allowed, 'notes.txt'), 'hello');
    writeFileSync(join(allowed, 'garbled.pem'), '-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n');
    writeFileSync(join(allowed, 'huge.pem'), Buffer.alloc(1024 * 1024 + 1, 'a'));
    symlinkSync(join(allowed, 'lab', 'ca.pem'), join(allowed, 'inside-link.pem'));
    symlinkSync(join(outside, 'ca.pem'), join(allowed, 'escape-link.pem'));
    symlinkSync(outside, join(allowed, 'escape-dir'));
    symlinkSync(allowed, join(root, 'allowed-link'));
  });

  after(() => rmSync(root, { recursive: true, force: true }));

  async function refusal(file: string, dirs = [allowed]): Promise<string> {
    try {
      await readCaBundle(file, dirs);
    } catch (error) {
      assert.ok(error instanceof CaFileRefused, String(error));
      return error.message;
    }
    return assert.fail(`${file} was read`);
  }

  it('reads a bundle inside an allowed folder, through a symlink that stays inside, or an allowed folder given as a symlink', async () => {
    assert.equal(await readCaBundle(join(allowed, 'lab', 'ca.pem'), [allowed]), pem);
    assert.equal(await readCaBundle(join(allowed, 'inside-link.pem'), [allowed]), pem);
    assert.equal(await readCaBundle(join(allowed, 'lab', 'ca.pem'), [join(root, 'allowed-link')]), pem);
  });

  it('refuses files whose real path leaves the allowed folders', async () => {
    const outsideReason = (file: string) => `caFile ${file}: outside the folders allowed for CA files (${allowed})`;
    for (const file of [join(outside, 'ca.pem'), join(allowed, 'escape-link.pem'), join(allowed, 'escape-dir', 'ca.pem'), join(allowed, 'lab', '..', '..', 'outside', 'ca.pem')]) {
      assert.equal(await refusal(file), outsideReason(file));
    }
    assert.equal(await refusal(join(allowed, 'lab', 'ca.pem'), []), `caFile ${join(allowed, 'lab', 'ca.pem')}: outside the folders allowed for CA files (none)`);
  });

  it('refuses the allowed folder itself, a missing file, a big file and files that hold no certificate', async () => {
    assert.match(await refusal(allowed), /outside the folders allowed/);
    assert.equal(await refusal(join(allowed, 'missing.pem')), `caFile ${join(allowed, 'missing.pem')}: cannot read (ENOENT)`);
    assert.equal(await refusal(join(allowed, 'lab')), `caFile ${join(allowed, 'lab')}: not a regular file`);
    assert.equal(await refusal(join(allowed, 'huge.pem')), `caFile ${join(allowed, 'huge.pem')}: 1048577 bytes, the limit is 1048576`);
    assert.equal(await refusal(join(allowed, 'notes.txt')), `caFile ${join(allowed, 'notes.txt')}: not a PEM certificate bundle`);
    assert.equal(await refusal(join(allowed, 'garbled.pem')), `caFile ${join(allowed, 'garbled.pem')}: not a PEM certificate bundle`);
  });
});
