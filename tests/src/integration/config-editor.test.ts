import assert from 'node:assert/strict';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { EVENT_STREAM_NAME, type ConfigApplyReply, type ConfigEditSpec, type JarvisEvent } from '@jarvis/contracts';
import { CaddyValidator, ConfigEditor, ConfigFiles, editedContentDigest, loadAllowedPaths, type ConfigHealthCheck } from '@jarvis/config-editing';
import { ConfigEditorProcessor, ConfigEditSteps, parseApplyRequest, stepEvent, type EditorState, type StepContext } from '@jarvis/config-editor-service';
import { EventProcessorRunner, JetStreamEventLog } from '@jarvis/event-log';
import { grantedApproval, startedEdit, type StartedEdit } from '../support/config-edit-fixtures.js';
import { startNats, type NatsHarness } from '../support/nats-harness.js';
import { killAllTracked } from '../support/processes.js';
import { Mounts } from '../support/tmpfs.js';

const ROOT = `/tmp/jarvis-config-editor-${process.pid}`;
const FILES = join(ROOT, 'files');
const ETC = join(FILES, 'etc');
const OUTSIDE = join(FILES, 'outside');
const SECRETS = join(FILES, 'secrets');
const BACKUPS = join(FILES, 'backups');
const CANARY = 'canary-Zq7vX3kP9wL2';
const OLD_PASSWORD = 'old-secret-Hd83nd';
const CADDY = '/usr/bin/caddy';

const mounts = new Mounts();
let nats: NatsHarness;
let nc: NatsConnection;
let log: JetStreamEventLog;
let unhealthy: Server;
let unhealthyPort = 0;
const runners: EventProcessorRunner<EditorState>[] = [];
const replies: ConfigApplyReply[] = [];
const logged: string[] = [];

/** A health check on a real loopback server that answers 503: the component is "down" after the change. */
const failingHealth: ConfigHealthCheck = {
  name: 'http 503',
  check: async () => {
    const answer = await fetch(`http://127.0.0.1:${unhealthyPort}/health`, { signal: AbortSignal.timeout(5_000) });
    return answer.ok ? { ok: true, evidence: `answered ${answer.status}` } : { ok: false, reason: `the component answered ${answer.status}` };
  },
};

async function editorSteps(): Promise<ConfigEditSteps> {
  const files = new ConfigFiles({ allowed: await loadAllowedPaths([ETC]), secretsFolder: SECRETS, backupFolder: BACKUPS, retention: { keep: 3, maxAgeMs: 86_400_000 } });
  const editor = new ConfigEditor({
    files,
    caddyValidator: new CaddyValidator({ caddyBinary: CADDY, timeoutMs: 30_000 }),
    healthChecks: ({ realPath }) => (realPath.endsWith('unhealthy.yaml') ? failingHealth : undefined),
  });
  return new ConfigEditSteps(editor, { applyTimeoutMs: 60_000, actionWaitMs: 2_000 });
}

/** A config editor as its service runs it: its processor on the real event log, its steps on real files. */
async function startEditor(): Promise<{ steps: ConfigEditSteps; runner: EventProcessorRunner<EditorState>; ctx: StepContext }> {
  const steps = await editorSteps();
  const logger = { log: (m: string) => logged.push(m), warn: (m: string) => logged.push(m), error: (m: string) => logged.push(m) };
  const runner = new EventProcessorRunner(log, new ConfigEditorProcessor(steps), logger, { service: 'config-editor' });
  await runner.start();
  runners.push(runner);
  return { steps, runner, ctx: { state: () => runner.currentState(), record: (event) => runner.record(event), now: () => new Date() } };
}

async function append(events: readonly JarvisEvent[]): Promise<void> {
  for (const event of events) await log.append(event);
}

async function apply(editor: { steps: ConfigEditSteps; ctx: StepContext }, started: StartedEdit, approvalId?: string): Promise<ConfigApplyReply> {
  const parsed = parseApplyRequest({ actionId: started.actionId, caseId: started.caseId, target: started.target, action: started.action, edit: started.edit, ...(approvalId ? { approvalId } : {}) });
  assert.ok(parsed.ok, JSON.stringify(parsed));
  const reply = await editor.steps.apply(parsed.request, editor.ctx);
  replies.push(reply);
  return reply;
}

async function stepsOf(actionId: string): Promise<JarvisEvent[]> {
  const events: JarvisEvent[] = [];
  for await (const stored of log.readFrom(1)) if (stored.event.causationId === actionId && stored.event.source === 'config-editor') events.push(stored.event);
  return events;
}

function backupsOf(name: string): string[] {
  return readdirSync(BACKUPS).filter((entry) => entry.startsWith(`${name}.`));
}

const YAML_FILE = join(ETC, 'app.yaml');
const JSON_FILE = join(ETC, 'app.json');
const DDCLIENT = join(ETC, 'ddclient.conf');
const CADDYFILE = join(ETC, 'Caddyfile');
const DDCLIENT_TEXT = `# ddclient for the lab\ndaemon=300\nprotocol=nsupdate\nserver=127.0.0.1\nlogin=/usr/bin/nsupdate\npassword=${OLD_PASSWORD}\nzone=lab.test\nlab.test\n`;
const CADDY_TEXT = ':18080 {\n\trespond "ok"\n}\n';

describe('config editor on real files and a real event log', { timeout: 300_000 }, () => {
  let editor: Awaited<ReturnType<typeof startEditor>>;

  before(async () => {
    mkdirSync(ROOT, { recursive: true });
    mounts.tmpfs(FILES, '16m');
    for (const dir of [ETC, OUTSIDE, SECRETS, BACKUPS]) mkdirSync(dir);
    writeFileSync(YAML_FILE, '# app settings\nserver:\n  port: 8080 # public\n');
    chmodSync(YAML_FILE, 0o640);
    chownSync(YAML_FILE, 1234, 2345);
    writeFileSync(JSON_FILE, '{\n  "listen": 8080,\n  "debug": false\n}\n');
    writeFileSync(DDCLIENT, DDCLIENT_TEXT, { mode: 0o600 });
    writeFileSync(CADDYFILE, CADDY_TEXT);
    writeFileSync(join(ETC, 'unhealthy.yaml'), 'mode: stable\n');
    writeFileSync(join(OUTSIDE, 'secret.conf'), 'keep: me\n');
    writeFileSync(join(SECRETS, 'ddclient-password'), `${CANARY}\n`, { mode: 0o600 });
    symlinkSync(join(OUTSIDE, 'secret.conf'), join(ETC, 'link.conf'));
    symlinkSync(OUTSIDE, join(ETC, 'linked-folder'));
    unhealthy = createServer((_req, res) => res.writeHead(503).end('down'));
    await new Promise<void>((resolve) => unhealthy.listen(0, '127.0.0.1', resolve));
    unhealthyPort = (unhealthy.address() as { port: number }).port;
    nats = await startNats();
    nc = await connect({ servers: [nats.url] });
    log = await JetStreamEventLog.open(nc);
    editor = await startEditor();
  });

  after(async () => {
    for (const runner of runners) await runner.stop().catch(() => undefined);
    await nc?.close().catch(() => undefined);
    await nats?.stop();
    await new Promise((resolve) => unhealthy?.close(resolve));
    await killAllTracked();
    mounts.unmountAll();
    rmSync(ROOT, { recursive: true, force: true });
  });

  it('applies a YAML edit: backup 0600 with the old content, atomic replace keeping mode and owner, each step recorded in order', async () => {
    const started = startedEdit({ path: YAML_FILE, format: 'yaml', change: { kind: 'set', values: { 'server.port': 8081 } } });
    await append(started.events);
    const before = statSync(YAML_FILE);
    const reply = await apply(editor, started);
    assert.equal(reply.outcome, 'applied', reply.reason);
    assert.equal(readFileSync(YAML_FILE, 'utf8'), '# app settings\nserver:\n  port: 8081 # public\n');
    const after = statSync(YAML_FILE);
    assert.notEqual(after.ino, before.ino, 'replaced by rename, not rewritten in place');
    assert.deepEqual([after.mode & 0o7777, after.uid, after.gid], [0o640, 1234, 2345]);
    const [backup] = backupsOf('app.yaml');
    assert.ok(backup && reply.backupPath === join(BACKUPS, backup), `${reply.backupPath}`);
    assert.equal(statSync(reply.backupPath!).mode & 0o7777, 0o600);
    assert.equal(readFileSync(reply.backupPath!, 'utf8'), '# app settings\nserver:\n  port: 8080 # public\n');
    const steps = await stepsOf(started.actionId);
    assert.deepEqual(steps.map((e) => e.type), ['ConfigEditProposed', 'ConfigValidated', 'ConfigBackedUp', 'ConfigApplied']);
    assert.ok(steps.every((e) => e.correlationId === started.caseId && e.causationId === started.actionId));
    assert.match(reply.diff, /^-  port: 8080 # public\n\+  port: 8081 # public$/mu);
  });

  it('a repeated request for the same action answers the recorded outcome: one backup, one write, no new event', async () => {
    const started = startedEdit({ path: JSON_FILE, format: 'json', change: { kind: 'set', values: { debug: true } } });
    await append(started.events);
    const first = await apply(editor, started);
    assert.equal(first.outcome, 'applied', first.reason);
    assert.equal(readFileSync(JSON_FILE, 'utf8'), '{\n  "listen": 8080,\n  "debug": true\n}\n');
    const inode = statSync(JSON_FILE).ino;
    const [again, concurrent] = await Promise.all([apply(editor, started), apply(editor, started)]);
    assert.deepEqual(again, first);
    assert.deepEqual(concurrent, first);
    assert.equal(statSync(JSON_FILE).ino, inode, 'not written again');
    assert.equal(backupsOf('app.json').length, 1);
    assert.equal((await stepsOf(started.actionId)).length, 4);
  });

  it('keeps the newest backups of a file by the retention count, each with the content it replaced', async () => {
    const file = join(ETC, 'counter.json');
    writeFileSync(file, '{"n": 0}\n');
    for (let n = 1; n <= 5; n += 1) {
      const started = startedEdit({ path: file, format: 'json', change: { kind: 'set', values: { n } } });
      await append(started.events);
      assert.equal((await apply(editor, started)).outcome, 'applied');
    }
    const kept = backupsOf('counter.json').sort();
    assert.equal(kept.length, 3);
    assert.deepEqual(kept.map((name) => JSON.parse(readFileSync(join(BACKUPS, name), 'utf8')).n), [2, 3, 4]);
  });

  it('applies a ddclient.conf option that is no credential without approval', async () => {
    const started = startedEdit({ path: DDCLIENT, format: 'ddclient', change: { kind: 'set', values: { daemon: 600 } } });
    await append(started.events);
    const reply = await apply(editor, started);
    assert.equal(reply.outcome, 'applied', reply.reason);
    assert.equal(reply.needsApproval, false);
    assert.match(readFileSync(DDCLIENT, 'utf8'), /^daemon=600$/mu);
    assert.equal(statSync(DDCLIENT).mode & 0o7777, 0o600);
  });

  it('refuses a credential change without a matching approval, records the masked diff, and leaves the file as it was', async () => {
    const edit: ConfigEditSpec = { path: DDCLIENT, format: 'ddclient', change: { kind: 'set', values: { password: { secretFile: 'ddclient-password' } } } };
    const before = readFileSync(DDCLIENT, 'utf8');
    const unapproved = startedEdit(edit);
    await append(unapproved.events);
    const refused = await apply(editor, unapproved);
    assert.equal(refused.outcome, 'refused');
    assert.equal(refused.needsApproval, true);
    assert.match(refused.reason, /^approval: .*cites none/u);
    assert.match(refused.diff, /^-password=\*{8}\n\+password=\*{8}$/mu);
    assert.equal(readFileSync(DDCLIENT, 'utf8'), before);
    assert.deepEqual((await stepsOf(unapproved.actionId)).map((e) => e.type), ['ConfigEditProposed', 'ConfigEditFailed']);

    const other: ConfigEditSpec = { ...edit, change: { kind: 'set', values: { password: 'something-else' } } };
    const wrong = grantedApproval(unapproved.caseId, edit, { digestOf: other });
    const mismatched = startedEdit(edit, { caseId: unapproved.caseId, approvalId: wrong.grantId });
    await append([...wrong.events, ...mismatched.events]);
    const mismatch = await apply(editor, mismatched, wrong.grantId);
    assert.equal(mismatch.outcome, 'refused');
    assert.match(mismatch.reason, /digest mismatch/u);
    assert.equal(readFileSync(DDCLIENT, 'utf8'), before);
  });

  it('applies an approved credential change once: the secret lands in the file only, and the grant is not reusable', async () => {
    const edit: ConfigEditSpec = { path: DDCLIENT, format: 'ddclient', change: { kind: 'set', values: { password: { secretFile: 'ddclient-password' } } } };
    const caseId = startedEdit(edit).caseId;
    const approval = grantedApproval(caseId, edit);
    const approved = startedEdit(edit, { caseId, approvalId: approval.grantId });
    await append([...approval.events, ...approved.events]);
    const before = readFileSync(DDCLIENT, 'utf8');
    const reply = await apply(editor, approved, approval.grantId);
    assert.equal(reply.outcome, 'applied', reply.reason);
    assert.match(readFileSync(DDCLIENT, 'utf8'), new RegExp(`^password=${CANARY}$`, 'mu'));
    // Someone reverts the file by hand: the same edit would change it again, but its grant was spent.
    const applied = readFileSync(DDCLIENT, 'utf8');
    writeFileSync(DDCLIENT, before);
    const reuse = startedEdit(edit, { caseId, approvalId: approval.grantId });
    await append(reuse.events);
    const again = await apply(editor, reuse, approval.grantId);
    assert.equal(again.outcome, 'refused');
    assert.match(again.reason, /already used/u);
    assert.equal(readFileSync(DDCLIENT, 'utf8'), before);
    writeFileSync(DDCLIENT, applied);
  });

  it('does not apply a broken Caddyfile: caddy validate refuses it, nothing is backed up or written', async () => {
    const started = startedEdit({ path: CADDYFILE, format: 'caddyfile', change: { kind: 'replace_text', old: '\trespond "ok"\n}', new: '\trespond "ok"\n\tno_such_directive on\n' } });
    await append(started.events);
    const reply = await apply(editor, started);
    assert.equal(reply.outcome, 'failed');
    assert.match(reply.reason, /^validation: caddy validate: /u);
    assert.equal(readFileSync(CADDYFILE, 'utf8'), CADDY_TEXT);
    assert.deepEqual(backupsOf('Caddyfile'), []);
    assert.deepEqual((await stepsOf(started.actionId)).map((e) => e.type), ['ConfigEditProposed', 'ConfigEditFailed']);
  });

  it('applies a valid Caddyfile edit that caddy validate accepts', async () => {
    const started = startedEdit({ path: CADDYFILE, format: 'caddyfile', change: { kind: 'replace_text', old: 'respond "ok"', new: 'respond "hello"' } });
    await append(started.events);
    const reply = await apply(editor, started);
    assert.equal(reply.outcome, 'applied', reply.reason);
    assert.equal(readFileSync(CADDYFILE, 'utf8'), ':18080 {\n\trespond "hello"\n}\n');
  });

  it('rolls back to the backup when the health check fails after the change', async () => {
    const file = join(ETC, 'unhealthy.yaml');
    const started = startedEdit({ path: file, format: 'yaml', change: { kind: 'set', values: { mode: 'experimental' } } });
    await append(started.events);
    const reply = await apply(editor, started);
    assert.equal(reply.outcome, 'rolled_back');
    assert.match(reply.reason, /answered 503/u);
    assert.equal(readFileSync(file, 'utf8'), 'mode: stable\n');
    assert.deepEqual((await stepsOf(started.actionId)).map((e) => e.type), ['ConfigEditProposed', 'ConfigValidated', 'ConfigBackedUp', 'ConfigRolledBack']);
  });

  it('refuses paths outside the whitelist, through symlinks or with dot segments, changing nothing', async () => {
    const hostile = [join(OUTSIDE, 'secret.conf'), join(ETC, 'link.conf'), join(ETC, 'linked-folder', 'secret.conf'), `${ETC}/../outside/secret.conf`, `${ETC}/%2e%2e/outside/secret.conf`, 'etc/app.yaml'];
    for (const path of hostile) {
      const started = startedEdit({ path, format: 'yaml', change: { kind: 'set', values: { keep: 'changed' } } });
      await append(started.events);
      const reply = await apply(editor, started);
      assert.equal(reply.outcome, 'refused', path);
      assert.match(reply.reason, /^path: /u, path);
    }
    assert.equal(readFileSync(join(OUTSIDE, 'secret.conf'), 'utf8'), 'keep: me\n');
  });

  it('a final-component symlink swapped in after the edit was prepared is not followed', async () => {
    const file = join(ETC, 'swap.yaml');
    writeFileSync(file, 'a: 1\n');
    const files = new ConfigFiles({ allowed: await loadAllowedPaths([ETC]), retention: { keep: 3, maxAgeMs: 86_400_000 } });
    const read = await files.read(file);
    rmSync(file);
    symlinkSync(join(OUTSIDE, 'secret.conf'), file);
    await assert.rejects(files.replace(read, 'a: 2\n'), /replaced by someone else/u);
    assert.equal(readFileSync(join(OUTSIDE, 'secret.conf'), 'utf8'), 'keep: me\n');
    rmSync(file);
  });

  it('refuses an apply request for an action the executor never started, recording nothing', async () => {
    const started = startedEdit({ path: YAML_FILE, format: 'yaml', change: { kind: 'set', values: { 'server.port': 9999 } } });
    const reply = await apply(editor, started);
    assert.equal(reply.outcome, 'refused');
    assert.match(reply.reason, /no started action/u);
    assert.deepEqual(await stepsOf(started.actionId), []);
    assert.doesNotMatch(readFileSync(YAML_FILE, 'utf8'), /9999/u);
  });

  it('finishes at start what a killed editor left: a replaced file is checked and recorded, an unreplaced one is left unchanged', async () => {
    const replacedFile = join(ETC, 'crash-after.yaml');
    const untouchedFile = join(ETC, 'crash-before.yaml');
    writeFileSync(replacedFile, 'level: 2\n');
    writeFileSync(untouchedFile, 'level: 1\n');
    const replacedBackup = join(BACKUPS, 'crash-after.yaml.manual.bak');
    const untouchedBackup = join(BACKUPS, 'crash-before.yaml.manual.bak');
    writeFileSync(replacedBackup, 'level: 1\n', { mode: 0o600 });
    writeFileSync(untouchedBackup, 'level: 1\n', { mode: 0o600 });
    const crashedAfter = startedEdit({ path: replacedFile, format: 'yaml', change: { kind: 'set', values: { level: 2 } } });
    const crashedBefore = startedEdit({ path: untouchedFile, format: 'yaml', change: { kind: 'set', values: { level: 2 } } });
    const leftBy = (started: StartedEdit, backupPath: string) => {
      const who = { actionId: started.actionId, caseId: started.caseId, target: started.target, path: started.edit.path };
      return [
        stepEvent('ConfigEditProposed', who, { format: 'yaml', diff: '', needsApproval: false }, new Date()),
        stepEvent('ConfigValidated', who, { validator: 'yaml', evidence: 'parsed as YAML' }, new Date()),
        stepEvent('ConfigBackedUp', who, { backupPath, afterDigest: editedContentDigest('level: 1\n', 'level: 2\n') }, new Date()),
      ];
    };
    await append([...crashedAfter.events, ...leftBy(crashedAfter, replacedBackup), ...crashedBefore.events, ...leftBy(crashedBefore, untouchedBackup)]);
    for (const running of runners.splice(0)) await running.stop();
    const restarted = await startEditor();
    const outcomeOf = async (actionId: string) => {
      for (let i = 0; i < 100; i += 1) {
        const found = (await stepsOf(actionId)).find((e) => e.type === 'ConfigApplied' || e.type === 'ConfigEditFailed' || e.type === 'ConfigRolledBack');
        if (found) return found;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`no outcome recorded for ${actionId}`);
    };
    assert.equal((await outcomeOf(crashedAfter.actionId)).type, 'ConfigApplied');
    const failed = await outcomeOf(crashedBefore.actionId);
    assert.ok(failed.type === 'ConfigEditFailed' && failed.data.stage === 'interrupted', JSON.stringify(failed));
    assert.equal(readFileSync(replacedFile, 'utf8'), 'level: 2\n');
    assert.equal(readFileSync(untouchedFile, 'utf8'), 'level: 1\n');
    const repeat = await apply(restarted, crashedAfter);
    assert.equal(repeat.outcome, 'applied');
  });

  it('keeps the canary secret out of every stored event, reply and log line', async () => {
    const jsm = await jetstreamManager(nc);
    const info = await jsm.streams.info(EVENT_STREAM_NAME);
    assert.ok(info.state.messages > 0);
    const everything: string[] = [];
    for await (const stored of log.readFrom(1)) everything.push(JSON.stringify(stored.event));
    for (const [where, text] of [['events', everything.join('\n')], ['replies', JSON.stringify(replies)], ['logs', logged.join('\n')]] as const) {
      assert.ok(!text.includes(CANARY), `the canary secret is in the ${where}`);
      assert.ok(!text.includes(OLD_PASSWORD), `the old password is in the ${where}`);
    }
    assert.ok(existsSync(DDCLIENT) && readFileSync(DDCLIENT, 'utf8').includes(CANARY), 'the canary did reach the file');
  });
});
