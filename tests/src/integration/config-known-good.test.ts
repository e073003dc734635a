import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createEvent, derivedId, targetOf, type JarvisEvent, type JarvisEventOf } from '@jarvis/contracts';
import { ConfigEditError, ConfigEditor, ConfigFiles, loadAllowedPaths, type ConfigValidator } from '@jarvis/config-editing';
import { initialEditorState, KnownGoodKeeper } from '@jarvis/config-editor-service';

const GOOD = 'protocol=nsupdate\nlogin=/usr/bin/nsupdate\npassword=/etc/ddclient/Kgood-canary-Qx81.key\nwww.lab.test\n';
const T0 = Date.parse('2025-03-01T12:00:00.000Z');

const unused: ConfigValidator = { name: 'unused', validate: () => Promise.reject(new Error('not called')) };

describe('known-good copies of a config file, on a real filesystem', () => {
  let root: string;
  let conf: string;
  let backups: string;
  let editor: ConfigEditor;
  let files: ConfigFiles;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'jarvis-known-good-'));
    mkdirSync(join(root, 'etc'));
    conf = join(root, 'etc', 'ddclient.conf');
    backups = join(root, 'backups');
    mkdirSync(backups);
    writeFileSync(conf, GOOD, { mode: 0o600 });
    files = new ConfigFiles({ allowed: await loadAllowedPaths([join(root, 'etc')]), backupFolder: backups, retention: { keep: 2, maxAgeMs: 1 } });
    editor = new ConfigEditor({ files, caddyValidator: unused, healthChecks: () => undefined });
  });

  after(() => rmSync(root, { recursive: true, force: true }));

  it('keeps a 0600 copy in the known-good folder (0700), and the same content again writes nothing', async () => {
    const first = await editor.keepKnownGood(conf, new Date(T0));
    assert.equal(first.created, true);
    assert.equal(first.realPath, conf);
    assert.match(first.maskedDigest, /^[0-9a-f]{64}$/);
    const copy = join(backups, 'known-good', first.name);
    assert.equal(readFileSync(copy, 'utf8'), GOOD);
    assert.equal(statSync(copy).mode & 0o777, 0o600);
    assert.equal(statSync(join(backups, 'known-good')).mode & 0o777, 0o700);
    const again = await editor.keepKnownGood(conf, new Date(T0 + 60_000));
    assert.deepEqual({ ...again }, { ...first, created: false });
  });

  it('the masked digest says nothing of the secret: a changed password alone leaves it unchanged', async () => {
    const before = await editor.keepKnownGood(conf, new Date(T0 + 120_000));
    writeFileSync(conf, GOOD.replace('Kgood-canary-Qx81', 'Kother'));
    const after = await editor.keepKnownGood(conf, new Date(T0 + 180_000));
    assert.equal(after.created, true);
    assert.equal(after.maskedDigest, before.maskedDigest);
    writeFileSync(conf, GOOD);
  });

  it('keeps the newest copies by count (never by age), and reads one back only by the name it gave', async () => {
    const kept = await editor.keepKnownGood(conf, new Date(T0 + 240_000));
    const names = readdirSync(join(backups, 'known-good')).sort();
    assert.equal(names.length, 2, names.join(', '));
    assert.equal(await files.readKnownGood(conf, kept.name), GOOD);
    for (const name of ['../../etc/shadow', 'ddclient.conf.bak', kept.name.replace('.good', '.bak')]) {
      await assert.rejects(files.readKnownGood(conf, name), (e: ConfigEditError) => e.field === 'change.knownGood', name);
    }
  });

  it('a restore reads the copy, masks its secret in the diff, and needs approval', async () => {
    const kept = await editor.keepKnownGood(conf, new Date(T0 + 300_000));
    writeFileSync(conf, GOOD.replace('Kgood-canary-Qx81', 'Ktypo-canary-Rw55'));
    const prepared = await editor.prepare({ path: conf, format: 'ddclient', change: { kind: 'restore_known_good', knownGood: kept.name, keys: ['login', 'password'] } });
    assert.equal(prepared.after, GOOD);
    assert.equal(prepared.needsApproval, true);
    assert.ok(!prepared.maskedDiff.includes('canary'), prepared.maskedDiff);
    assert.match(prepared.maskedDiff, /^-password=\*{8}$/m);
    writeFileSync(conf, GOOD);
  });

  it('refuses a known-good folder that is a symbolic link', async () => {
    const other = join(root, 'other-backups');
    mkdirSync(join(other, 'elsewhere'), { recursive: true });
    symlinkSync(join(other, 'elsewhere'), join(other, 'known-good'));
    const linked = new ConfigFiles({ allowed: await loadAllowedPaths([join(root, 'etc')]), backupFolder: other, retention: { keep: 2, maxAgeMs: 1 } });
    await assert.rejects(linked.keepKnownGood(await linked.read(conf), new Date(T0)), (e: ConfigEditError) => e.field === 'change.knownGood' && /not a folder/.test(e.reason));
    assert.deepEqual(readdirSync(join(other, 'elsewhere')), []);
  });
});

describe('KnownGoodKeeper: a copy only of the config the component last ran with', () => {
  let root: string;
  let conf: string;
  let log: string;
  let keeper: KnownGoodKeeper;
  const warnings: string[] = [];
  const target = targetOf('ddclient', 'lab');
  let seq = 0;

  function confirmation(): JarvisEventOf<'CheckConfirmed'> {
    const id = derivedId('confirmation', String(seq++));
    return createEvent({ id, type: 'CheckConfirmed', source: 'monitor', time: new Date(T0).toISOString(), subject: 'ddclient:lab', correlationId: id, causationId: null, data: { target, check: 'ddclient_update', reason: 'updated' } });
  }

  async function keep(): Promise<JarvisEvent[]> {
    const recorded: JarvisEvent[] = [];
    await keeper.keep(confirmation(), initialEditorState(), async (event) => void recorded.push(event), new Date(T0 + seq * 60_000));
    return recorded;
  }

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'jarvis-known-good-keeper-'));
    mkdirSync(join(root, 'etc'));
    conf = join(root, 'etc', 'ddclient.conf');
    log = join(root, 'ddclient.log');
    writeFileSync(conf, GOOD, { mode: 0o600 });
    writeFileSync(log, 'SUCCESS: updated\n');
    utimesSync(conf, new Date(T0), new Date(T0));
    utimesSync(log, new Date(T0 + 1000), new Date(T0 + 1000));
    const files = new ConfigFiles({ allowed: await loadAllowedPaths([join(root, 'etc')]), backupFolder: join(root, 'backups'), retention: { keep: 2, maxAgeMs: 1 } });
    mkdirSync(join(root, 'backups'));
    keeper = new KnownGoodKeeper(new ConfigEditor({ files, caddyValidator: unused, healthChecks: () => undefined }), [{ target, path: conf, writtenByRuns: log, setting: 'ddclient.config' }], (message) => warnings.push(message));
  });

  after(() => rmSync(root, { recursive: true, force: true }));

  it('given the log written after the config, then the copy is kept and recorded, its event id derived from the confirmation', async () => {
    const [kept] = await keep();
    assert.equal(kept?.type, 'ConfigKnownGoodRecorded');
    assert.equal(kept?.causationId, derivedId('confirmation', String(seq - 1)));
  });

  it('given the config changed after the last run (the log still reads as published), then nothing is kept', async () => {
    writeFileSync(conf, GOOD.replace('Kgood', 'Ktypo'));
    utimesSync(conf, new Date(T0 + 5000), new Date(T0 + 5000));
    assert.deepEqual(await keep(), []);
    assert.equal(readdirSync(join(root, 'backups', 'known-good')).length, 1, 'no copy of the changed file');
  });

  it('given a ddclient.conf outside configEditor.allowedPaths, then each confirmation is acknowledged with nothing kept, and one warning names the file and both settings', async () => {
    mkdirSync(join(root, 'outside'));
    const outside = join(root, 'outside', 'ddclient.conf');
    writeFileSync(outside, GOOD, { mode: 0o600 });
    utimesSync(outside, new Date(T0), new Date(T0));
    const files = new ConfigFiles({ allowed: await loadAllowedPaths([join(root, 'etc')]), backupFolder: join(root, 'backups'), retention: { keep: 2, maxAgeMs: 1 } });
    const refused: string[] = [];
    const strict = new KnownGoodKeeper(new ConfigEditor({ files, caddyValidator: unused, healthChecks: () => undefined }), [{ target, path: outside, writtenByRuns: log, setting: 'ddclient.config' }], (message) => refused.push(message));
    const copiesBefore = readdirSync(join(root, 'backups', 'known-good')).length;
    for (let i = 0; i < 3; i++) {
      const recorded: JarvisEvent[] = [];
      await strict.keep(confirmation(), initialEditorState(), async (event) => void recorded.push(event), new Date(T0 + seq * 60_000));
      assert.deepEqual(recorded, []);
    }
    assert.equal(refused.length, 1, refused.join('\n'));
    assert.ok(refused[0]!.includes(outside), refused[0]);
    assert.match(refused[0]!, /\(ddclient\.config\).*not inside configEditor\.allowedPaths/);
    assert.equal(readdirSync(join(root, 'backups', 'known-good')).length, copiesBefore, 'no copy made');
    assert.deepEqual(warnings, [], 'the allowed keeper warned of nothing');
  });

  it('given no run file at all, then nothing is kept', async () => {
    rmSync(log);
    assert.deepEqual(await keep(), []);
  });
});
