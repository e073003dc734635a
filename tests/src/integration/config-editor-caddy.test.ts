import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { CaddyAdminHealthCheck, CaddyValidator, ConfigEditor, ConfigFiles, loadAllowedPaths } from '@jarvis/config-editing';
import { ConfigEditorProcessor, ConfigEditSteps, parseApplyRequest, type EditorState } from '@jarvis/config-editor-service';
import { EventProcessorRunner, JetStreamEventLog } from '@jarvis/event-log';
import { startedEdit } from '../support/config-edit-fixtures.js';
import { startNats, type NatsHarness } from '../support/nats-harness.js';
import { freePort, killAllTracked, spawnTracked, waitFor, type TrackedProcess } from '../support/processes.js';
import { Mounts } from '../support/tmpfs.js';

const ROOT = `/tmp/jarvis-config-editor-caddy-${process.pid}`;
const FILES = join(ROOT, 'files');
const ETC = join(FILES, 'etc');
const CADDYFILE = join(ETC, 'Caddyfile');
const CADDY = '/usr/bin/caddy';

const mounts = new Mounts();

async function siteAnswer(port: number): Promise<string | undefined> {
  try {
    const answer = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(2_000) });
    return await answer.text();
  } catch {
    return undefined;
  }
}

describe('config editor and a running Caddy (real caddy validate and admin API)', { timeout: 180_000 }, () => {
  let nats: NatsHarness;
  let nc: NatsConnection;
  let caddy: TrackedProcess;
  let busy: Server;
  let busyPort = 0;
  let sitePort = 0;
  let runner: EventProcessorRunner<EditorState>;
  let steps: ConfigEditSteps;

  before(async () => {
    mkdirSync(ROOT, { recursive: true });
    mounts.tmpfs(FILES, '8m');
    mkdirSync(ETC);
    const adminPort = await freePort();
    sitePort = await freePort();
    busy = createServer((_req, res) => res.end('not caddy'));
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    busyPort = (busy.address() as { port: number }).port;
    writeFileSync(CADDYFILE, `{\n\tadmin 127.0.0.1:${adminPort}\n}\n\n:${sitePort} {\n\tbind 127.0.0.1\n\trespond "v1"\n}\n`);
    const home = join(ROOT, 'caddy-home');
    mkdirSync(home);
    caddy = spawnTracked(CADDY, ['run', '--config', CADDYFILE, '--adapter', 'caddyfile'], { env: { PATH: process.env['PATH'] ?? '', HOME: home, XDG_DATA_HOME: home, XDG_CONFIG_HOME: home }, logFile: join(ROOT, 'caddy.log') });
    await waitFor('caddy to serve v1', async () => (await siteAnswer(sitePort)) === 'v1', 30_000, 200);
    nats = await startNats();
    nc = await connect({ servers: [nats.url] });
    const log = await JetStreamEventLog.open(nc);
    const files = new ConfigFiles({ allowed: await loadAllowedPaths([ETC]), retention: { keep: 5, maxAgeMs: 86_400_000 } });
    const health = new CaddyAdminHealthCheck({ adminUrl: `http://127.0.0.1:${adminPort}`, timeoutMs: 15_000 });
    const editor = new ConfigEditor({
      files,
      caddyValidator: new CaddyValidator({ caddyBinary: CADDY, timeoutMs: 30_000 }),
      healthChecks: ({ format }) => (format === 'caddyfile' ? health : undefined),
    });
    steps = new ConfigEditSteps(editor, { applyTimeoutMs: 60_000, actionWaitMs: 2_000 });
    runner = new EventProcessorRunner(log, new ConfigEditorProcessor(steps), { log: () => undefined, warn: () => undefined, error: () => undefined }, { service: 'config-editor' });
    await runner.start();
  });

  after(async () => {
    await runner?.stop().catch(() => undefined);
    await nc?.close().catch(() => undefined);
    await nats?.stop();
    await caddy?.stop();
    await new Promise((resolve) => busy?.close(resolve));
    await killAllTracked();
    mounts.unmountAll();
    rmSync(ROOT, { recursive: true, force: true });
  });

  async function applyReplace(old: string, replacement: string) {
    const started = startedEdit({ path: CADDYFILE, format: 'caddyfile', change: { kind: 'replace_text', old, new: replacement } });
    for (const event of started.events) await runner.record(event);
    const parsed = parseApplyRequest({ actionId: started.actionId, caseId: started.caseId, target: started.target, action: started.action, edit: started.edit });
    assert.ok(parsed.ok);
    return steps.apply(parsed.request, { state: () => runner.currentState(), record: (event) => runner.record(event), now: () => new Date() });
  }

  it('applies a valid edit and Caddy serves it after the health check loaded it', async () => {
    const reply = await applyReplace('respond "v1"', 'respond "v2"');
    assert.equal(reply.outcome, 'applied', reply.reason);
    assert.equal(await siteAnswer(sitePort), 'v2');
  });

  it('rolls back an edit that caddy validate accepts but Caddy cannot load, and Caddy keeps serving', async () => {
    const before = readFileSync(CADDYFILE, 'utf8');
    const reply = await applyReplace('respond "v2"\n}\n', `respond "v2"\n}\n\n:${busyPort} {\n\tbind 127.0.0.1\n\trespond "taken"\n}\n`);
    assert.equal(reply.outcome, 'rolled_back', reply.reason);
    assert.match(reply.reason, /caddy refused to load/u);
    assert.equal(readFileSync(CADDYFILE, 'utf8'), before);
    assert.equal(await siteAnswer(sitePort), 'v2');
    assert.equal(await siteAnswer(busyPort), 'not caddy');
  });
});
