import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DdclientConfig } from '@jarvis/config';
import { DdclientRunner, FilesystemDdclientPort, loadDdclientConfig, parseDdclientConfig, renderMaskedDdclientConfig, setDdclientOption, validateDdclientConfig } from '@jarvis/ddclient';
import { killAllTracked } from '../support/processes.js';
import { startTsigNamed, type TsigNamed } from '../support/tsig-named.js';

const HOST = 'www.lab.test';
const ADDRESS = '127.0.0.9';
/** A valid TSIG secret no server knows: ddclient's nsupdate signs with it and gets BADSIG. */
const CANARY_SECRET = Buffer.from('Canary-TSIG-secret-7f3a9c1e5b2d!!').toString('base64');
/** nsupdate's password is the key file's path, which ddclient prints (`nsupdate -k PATH`): a canary it would leak. */
const CANARY_PASSWORD = 'Canary-password-41c9e2';

function ddclientConf(keyFile: string, named: TsigNamed): string {
  return [
    '# Jarvis test: ddclient 3.10 publishing the lab address with nsupdate',
    'daemon=0',
    `protocol=nsupdate, server=127.0.0.1:${named.port}, login=/usr/bin/nsupdate`,
    `password=${keyFile}`,
    `zone=${named.zone}`,
    `use=cmd, cmd="echo ${ADDRESS}"`,
    HOST,
    '',
  ].join('\n');
}

function writePrivate(path: string, text: string): void {
  writeFileSync(path, text, { mode: 0o600 });
  chmodSync(path, 0o600);
}

function assertNoSecret(where: string, text: string, secrets: readonly string[]): void {
  for (const secret of secrets) {
    assert.ok(!text.includes(secret), `${where} holds a secret`);
    assert.ok(!text.includes(Buffer.from(secret).toString('base64').replace(/=+$/, '')), `${where} holds a secret in base64`);
  }
}

describe('ddclient 3.10 against a real named with a TSIG key', () => {
  let dir: string;
  let named: TsigNamed;
  let settings: DdclientConfig;
  let goodSecret: string;
  let badKeyFile: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'jarvis-ddclient-'));
    const dnsDir = join(dir, 'named');
    const confDir = join(dir, 'etc');
    mkdirSync(dnsDir);
    mkdirSync(confDir);
    named = await startTsigNamed(dnsDir);
    goodSecret = /secret "([^"]+)"/.exec(readFileSync(named.keyFile, 'utf8'))![1]!;
    writePrivate(join(confDir, 'good.key'), readFileSync(named.keyFile, 'utf8'));
    badKeyFile = join(confDir, `${CANARY_PASSWORD}.key`);
    writePrivate(badKeyFile, readFileSync(named.keyFile, 'utf8').replace(goodSecret, CANARY_SECRET));
    settings = Object.assign(new DdclientConfig(), { config: join(confDir, 'ddclient.conf'), cache: join(dir, 'ddclient.cache'), log: join(dir, 'ddclient.log'), runTimeoutSeconds: 60 });
  });

  after(async () => {
    await named?.stop();
    await killAllTracked();
    rmSync(dir, { recursive: true, force: true });
  });

  it('with the right key: SUCCESS recognised, the record published, and the config validates', async () => {
    writePrivate(settings.config, ddclientConf(join(dir, 'etc', 'good.key'), named));
    const loaded = await loadDdclientConfig(settings);
    assert.deepEqual(validateDdclientConfig(loaded.document, loaded.keyFiles), []);
    const result = await new DdclientRunner(settings).run({ force: false });
    assert.equal(result.exitCode, 0, result.output);
    assert.deepEqual(result.hosts, [{ host: HOST, outcome: 'updated', reason: null }]);
    assert.deepEqual(await named.addresses(HOST), [ADDRESS]);
    assertNoSecret('the run output', result.output, [goodSecret]);
  });

  it('with a wrong secret: BADSIG recognised, then the 5-minute skip without force, then -force runs again; nothing leaks', async () => {
    rmSync(settings.cache, { force: true });
    writePrivate(settings.config, ddclientConf(badKeyFile, named));
    const runner = new DdclientRunner(settings);
    const failed = await runner.run({ force: false });
    assert.equal(failed.exitCode, 1, failed.output);
    assert.deepEqual(failed.hosts, [{ host: HOST, outcome: 'failed', reason: 'bad_signature' }]);
    assert.match(failed.output, /nsupdate -k \*\*\*/, 'the password ddclient printed was redacted');

    const skipped = await runner.run({ force: false });
    assert.equal(skipped.exitCode, 0, skipped.output);
    assert.deepEqual(skipped.hosts, [{ host: HOST, outcome: 'skipped', reason: 'wait_between_attempts' }]);

    const forced = await runner.run({ force: true });
    assert.deepEqual(forced.hosts, [{ host: HOST, outcome: 'failed', reason: 'bad_signature' }], 'with -force ddclient tries again at once');

    writeFileSync(settings.log!, [failed.output, skipped.output].join('\n'));
    const inspection = await new FilesystemDdclientPort().inspect(settings);
    assert.deepEqual(inspection.problems, [], 'the config is valid: only the secret is wrong');
    assert.deepEqual(inspection.hosts, [{ host: HOST, outcome: 'skipped', reason: 'wait_between_attempts' }]);

    const document = parseDdclientConfig(readFileSync(settings.config, 'utf8'));
    for (const [where, text] of [
      ['the failed run', failed.output],
      ['the skipped run', skipped.output],
      ['the forced run', forced.output],
      ['the recognised hosts', JSON.stringify([failed.hosts, skipped.hosts, forced.hosts])],
      ['the inspection', JSON.stringify(inspection)],
      ['the masked config', renderMaskedDdclientConfig(document)],
    ] as const) {
      assertNoSecret(where, text, [CANARY_SECRET, goodSecret, CANARY_PASSWORD]);
    }
  });

  it('a key path followed by a comma: the validator flags it and real ddclient indeed fails to read the key', async () => {
    rmSync(settings.cache, { force: true });
    const keyFile = join(dir, 'etc', 'good.key');
    writePrivate(settings.config, ddclientConf(keyFile, named).replace(`password=${keyFile}\nzone=${named.zone}`, `password=${keyFile}, zone=${named.zone}`));
    const loaded = await loadDdclientConfig(settings);
    const problems = validateDdclientConfig(loaded.document, loaded.keyFiles).map((p) => p.message);
    assert.ok(problems.some((m) => /the key file path ends with a comma/.test(m)), problems.join('\n'));
    const result = await new DdclientRunner(settings).run({ force: true });
    assert.deepEqual(result.hosts, [{ host: HOST, outcome: 'failed', reason: 'key_unreadable' }], result.output);
  });

  it('after fixing the key path through the renderer, a forced run publishes the record again', async () => {
    const fixed = setDdclientOption(parseDdclientConfig(readFileSync(settings.config, 'utf8')), { host: null, name: 'password', value: join(dir, 'etc', 'good.key') });
    assert.ok(fixed.startsWith('# Jarvis test: ddclient 3.10'), 'the comment is kept');
    writePrivate(settings.config, fixed);
    const result = await new DdclientRunner(settings).run({ force: true });
    assert.deepEqual(result.hosts, [{ host: HOST, outcome: 'updated', reason: null }], result.output);
  });
});

describe('validating real ddclient.conf files', () => {
  let dir: string;
  let confDir: string;
  const canary = 'Canary-dyndns-pw-5e8a';

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'jarvis-ddclient-files-'));
    confDir = join(dir, 'etc');
    mkdirSync(confDir);
    mkdirSync(join(dir, 'elsewhere'));
    writePrivate(join(dir, 'elsewhere', 'outside.key'), 'key "k" { algorithm hmac-sha256; secret "c2VjcmV0"; };\n');
    symlinkSync(join(dir, 'elsewhere', 'outside.key'), join(confDir, 'linked.key'));
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  async function inspect(text: string, extra: Partial<DdclientConfig> = {}): Promise<string[]> {
    const config = join(confDir, 'ddclient.conf');
    writePrivate(config, text);
    const inspection = await new FilesystemDdclientPort().inspect(Object.assign(new DdclientConfig(), { config, ...extra }));
    assertNoSecret('the inspection', JSON.stringify(inspection), [canary]);
    return inspection.problems.map((p) => `${p.where}: ${p.message}`);
  }

  it('finds typos, placeholders and quoted secrets with their lines, never quoting the secret', async () => {
    const problems = await inspect(['protocol=dyndns2', 'login=alice', `password="${canary}"`, 'sever=members.example.org', 'a.example.org', 'password=changeme b.example.org', ''].join('\n'));
    assert.ok(problems.some((p) => /^line 4, column 1: unknown option sever \(did you mean server\?\)/.test(p)), problems.join('\n'));
    assert.ok(problems.some((p) => /^line 3, column 1: host a.example.org: the password is wrapped in quotes/.test(p)), problems.join('\n'));
    assert.ok(problems.some((p) => /^line 6, column 1: host b.example.org: the password looks like a placeholder/.test(p)), problems.join('\n'));
  });

  it('refuses a key file reached through a symlink out of the allowed folders, and a missing one', async () => {
    const base = 'protocol=nsupdate, server=127.0.0.1:53, zone=lab.test\n';
    const linked = await inspect(`${base}password=${join(confDir, 'linked.key')}\nwww.lab.test\n`);
    assert.ok(linked.some((p) => /is outside the folders Jarvis may read/.test(p)), linked.join('\n'));
    assert.deepEqual(await inspect(`${base}password=${join(confDir, 'linked.key')}\nwww.lab.test\n`, { keyFolders: [join(dir, 'elsewhere')] }), []);
    const missing = await inspect(`${base}password=${join(confDir, 'missing.key')}\nwww.lab.test\n`);
    assert.ok(missing.some((p) => /missing.key does not exist or cannot be resolved \(ENOENT\)/.test(p)), missing.join('\n'));
  });

  it('throws, naming it, when ddclient.conf itself cannot be read', async () => {
    await assert.rejects(new FilesystemDdclientPort().inspect(Object.assign(new DdclientConfig(), { config: join(confDir, 'absent.conf') })), /absent.conf/);
  });
});
