import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ddclientEditValidator } from '@jarvis/config-editor-service';

const SECRET = 'c2VjcmV0LWNhbmFyeS1ONGZx';

/** The config editor judges a proposed ddclient.conf with the ddclient check's own parser, on real files. */
describe('the config editor validating ddclient.conf', () => {
  let dir: string;
  let conf: string;
  let key: string;
  const validator = ddclientEditValidator([]);
  const validate = (text: string) => validator.validate(text, { realPath: conf });

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'jarvis-ddclient-edit-'));
    mkdirSync(join(dir, 'etc'));
    conf = join(dir, 'etc', 'ddclient.conf');
    key = join(dir, 'etc', 'lab.key');
    writeFileSync(conf, 'protocol=nsupdate\n', { mode: 0o600 });
    writeFileSync(key, `key "lab" { algorithm hmac-sha256; secret "${SECRET}"; };\n`, { mode: 0o600 });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const good = () => `protocol=nsupdate\nserver=127.0.0.1:5353\nlogin=/usr/bin/nsupdate\npassword=${key}\nzone=lab.test\nwww.lab.test\n`;

  it('accepts what the ddclient check accepts, reading the key file it names', async () => {
    assert.deepEqual(await validate(good()), { ok: true, evidence: '1 host(s), no problem the ddclient check would report' });
  });

  it('refuses a typo, a missing setting and a missing key file, naming each and never the secret', async () => {
    const typo = await validate(good().replace('zone=', 'zonne='));
    assert.equal(typo.ok, false);
    assert.match(typo.ok ? '' : typo.reason, /zonne/);
    const missingKey = await validate(good().replace(key, join(dir, 'etc', 'gone.key')));
    assert.equal(missingKey.ok, false);
    for (const verdict of [typo, missingKey]) assert.ok(!JSON.stringify(verdict).includes(SECRET));
  });
});
