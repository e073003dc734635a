import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { RPC, type ConfigApplyReply, type ConfigPreviewReply } from '@jarvis/contracts';
import { JetStreamEventLog } from '@jarvis/event-log';
import { startedEdit } from '../support/config-edit-fixtures.js';
import { REPO_ROOT } from '../support/jarvis-harness.js';
import { callRpc } from '../support/jarvis-rpc.js';
import { startNats, type NatsHarness } from '../support/nats-harness.js';
import { killAllTracked, spawnTracked, waitFor, type TrackedProcess } from '../support/processes.js';
import { Mounts } from '../support/tmpfs.js';

const ROOT = `/tmp/jarvis-config-editor-rpc-${process.pid}`;
const FILES = join(ROOT, 'files');
const ETC = join(FILES, 'etc');
const SECRETS = join(FILES, 'secrets');
const CANARY = 'canary-rpc-Mw4Tq81Lz';
const SETTINGS = join(ETC, 'settings.yaml');
const DDCLIENT = join(ETC, 'ddclient.conf');
/** Longer than the service's own apply deadline, so a slow machine shows a refusal rather than a timeout. */
const RPC_TIMEOUT_MS = 60_000;

const mounts = new Mounts();

describe('config-editor service over NATS (its own entry point)', { timeout: 180_000 }, () => {
  let nats: NatsHarness;
  let nc: NatsConnection;
  let log: JetStreamEventLog;
  let service: TrackedProcess;

  before(async () => {
    mkdirSync(ROOT, { recursive: true });
    mounts.tmpfs(FILES, '8m');
    mkdirSync(ETC);
    mkdirSync(SECRETS);
    writeFileSync(SETTINGS, 'retries: 1\n');
    writeFileSync(DDCLIENT, 'protocol=nsupdate\npassword=old-one\nlab.test\n', { mode: 0o600 });
    writeFileSync(join(SECRETS, 'ddclient-password'), CANARY, { mode: 0o600 });
    const config = join(ROOT, 'jarvis.yaml');
    writeFileSync(config, `configEditor:\n  allowedPaths: [${ETC}]\n  secretsFolder: ${SECRETS}\n  applyTimeoutSeconds: 30\n`);
    nats = await startNats();
    nc = await connect({ servers: [nats.url] });
    log = await JetStreamEventLog.open(nc);
    const env = { ...process.env, NATS_URL: nats.url, JARVIS_CONFIG: config, JARVIS_DATA_DIR: join(ROOT, 'data') };
    service = spawnTracked(process.execPath, [join(REPO_ROOT, 'apps', 'config-editor', 'dist', 'main.js')], { env, cwd: REPO_ROOT, logFile: join(ROOT, 'config-editor.log') });
    await waitFor('the config editor to start', () => {
      if (service.child.exitCode !== null) throw new Error(`exited with ${service.child.exitCode}:\n${service.log()}`);
      return service.log().includes('started config-editor');
    }, 60_000);
  });

  after(async () => {
    await service?.stop('SIGTERM', 20_000);
    await nc?.close().catch(() => undefined);
    await nats?.stop();
    await killAllTracked();
    mounts.unmountAll();
    rmSync(ROOT, { recursive: true, force: true });
  });

  it('applies the edit of a started action once, however often it is asked', async () => {
    const started = startedEdit({ path: SETTINGS, format: 'yaml', change: { kind: 'set', values: { retries: 3 } } });
    for (const event of started.events) await log.append(event);
    const request = { actionId: started.actionId, caseId: started.caseId, target: started.target, action: started.action, edit: started.edit };
    const reply = await callRpc<ConfigApplyReply>(nc, RPC.configApply, request, RPC_TIMEOUT_MS);
    assert.equal(reply.outcome, 'applied', reply.reason);
    assert.equal(readFileSync(SETTINGS, 'utf8'), 'retries: 3\n');
    assert.deepEqual(await callRpc<ConfigApplyReply>(nc, RPC.configApply, request, RPC_TIMEOUT_MS), reply);
  });

  it('refuses a malformed request naming each bad field, and changes nothing', async () => {
    const bad = { actionId: 'not-an-id', caseId: 'x', target: { kind: 'container', id: 'edge' }, action: 'edit_config', edit: { path: 'relative.yaml', format: 'ini', change: { kind: 'set', values: {} } } };
    await assert.rejects(callRpc(nc, RPC.configApply, bad, RPC_TIMEOUT_MS), (error: Error) => {
      for (const field of ['actionId', 'caseId', 'edit.format']) assert.ok(error.message.includes(`"field":"${field}"`), `${field} in ${error.message}`);
      return error.message.includes('invalid_request');
    });
    assert.equal(readFileSync(SETTINGS, 'utf8'), 'retries: 3\n');
  });

  it('previews a credential change with the secret masked, and says it needs approval; the canary appears in no reply or log', async () => {
    const edit = { path: DDCLIENT, format: 'ddclient', change: { kind: 'set', values: { password: { secretFile: 'ddclient-password' } } } };
    const preview = await callRpc<ConfigPreviewReply>(nc, RPC.configPreview, { edit }, RPC_TIMEOUT_MS);
    assert.equal(preview.needsApproval, true);
    assert.match(preview.diff, /^-password=\*{8}\n\+password=\*{8}$/mu);
    const started = startedEdit(edit as never);
    for (const event of started.events) await log.append(event);
    const refused = await callRpc<ConfigApplyReply>(nc, RPC.configApply, { actionId: started.actionId, caseId: started.caseId, target: started.target, action: started.action, edit }, RPC_TIMEOUT_MS);
    assert.equal(refused.outcome, 'refused');
    assert.equal(readFileSync(DDCLIENT, 'utf8'), 'protocol=nsupdate\npassword=old-one\nlab.test\n');
    for (const text of [JSON.stringify(preview), JSON.stringify(refused), service.log()]) {
      assert.ok(!text.includes(CANARY), 'the canary secret leaked');
      assert.ok(!text.includes('old-one'), 'the old password leaked');
    }
  });
});
