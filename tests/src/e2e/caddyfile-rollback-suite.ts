import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, get, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { RPC, type ConfigApplyReply, type ConfigEditSpec, type JarvisEvent, type JarvisEventOf } from '@jarvis/contracts';
import { startCaddy, type CaddyHarness } from '../support/caddy-harness.js';
import { startedEdit } from '../support/config-edit-fixtures.js';
import { ofIncident, timeline } from '../support/event-reader.js';
import type { Shape } from '../support/jarvis-harness.js';
import { callRpc } from '../support/jarvis-rpc.js';
import { useLab, type Lab } from '../support/lab.js';
import { freePort, waitFor } from '../support/processes.js';

/** Above the editor's own apply deadline plus its wait for the ActionStarted, so a slow machine shows the outcome, not a timeout. */
const RPC_TIMEOUT_MS = 90_000;

type Site = { dir: string; caddyfile: string; backups: string; adminPort: number; sitePort: number; busyPort: number };

function caddyfileText(site: Pick<Site, 'adminPort' | 'sitePort'>): string {
  return `{\n\tadmin 127.0.0.1:${site.adminPort}\n}\n\n:${site.sitePort} {\n\tbind 127.0.0.1\n\trespond "v1"\n}\n`;
}

/** The config editor alone matters here: no target is watched, so nothing but the test asks for an edit. */
function jarvisConfig(site: Site): string {
  return `
configEditor:
  allowedPaths: [${site.caddyfile}]
  backupFolder: ${site.backups}
  caddyAdminUrl: http://127.0.0.1:${site.adminPort}
  applyTimeoutSeconds: 60
  checkTimeoutSeconds: 30
`;
}

/**
 * Over a fresh connection each time: Caddy lets the config it replaces finish serving the connections it holds, so a
 * kept-alive one from an earlier request may still be answered by the old site.
 */
function siteAnswer(port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const request = get({ host: '127.0.0.1', port, path: '/', agent: false, timeout: 2_000 }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve(body));
      response.on('error', () => resolve(undefined));
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(undefined));
  });
}

function backupsIn(folder: string): string[] {
  return readdirSync(folder).filter((name) => name.endsWith('.bak'));
}

/**
 * Plays the executor: records the ActionStarted of a config-changing action whose params are `edit`, then asks the
 * running config-editor service to apply it over NATS, as the executor does. Only the ActionStarted is recorded:
 * the editor trusts an edit by it alone, and a decision without an incident would only be refused by the executor.
 */
async function applyThroughJarvis(lab: Lab, edit: ConfigEditSpec): Promise<{ reply: ConfigApplyReply; events: JarvisEvent[] }> {
  const started = startedEdit(edit);
  for (const event of started.events) if (event.type === 'ActionStarted') await lab.reader.log.append(event);
  const request = { actionId: started.actionId, caseId: started.caseId, target: started.target, action: started.action, edit };
  const reply = await lab.explained(`container:${started.target.id}`, callRpc<ConfigApplyReply>(lab.reader.nc, RPC.configApply, request, RPC_TIMEOUT_MS));
  return { reply, events: ofIncident(await lab.reader.events(), started.caseId) };
}

function configSteps(events: JarvisEvent[]): string[] {
  return events.map((e) => e.type).filter((type) => type.startsWith('Config'));
}

/**
 * A Caddyfile edit through a running Jarvis, against a real Caddy serving a site on loopback: one Caddy cannot load
 * is rolled back and Caddy keeps serving, one `caddy validate` refuses is never written, a valid one is applied.
 */
export function caddyfileRollbackSuite(shape: Shape): void {
  describe(`a broken Caddyfile edit is rolled back and Caddy keeps serving (${shape})`, { timeout: 180_000 }, () => {
    const site = {} as Site;
    let caddy: CaddyHarness;
    let busy: Server;

    before(async () => {
      site.dir = mkdtempSync(join(tmpdir(), 'jarvis-caddyfile-rollback-'));
      site.backups = join(site.dir, 'backups');
      mkdirSync(site.backups);
      [site.adminPort, site.sitePort] = [await freePort(), await freePort()];
      // Another server holds this port: Caddy's load of a site on it fails, though `caddy validate` accepts it.
      busy = createServer((_req, res) => res.end('not caddy'));
      await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
      site.busyPort = (busy.address() as { port: number }).port;
      caddy = await startCaddy(site.dir, caddyfileText(site), site.adminPort);
      site.caddyfile = caddy.caddyfile;
      await waitFor('caddy to serve v1', async () => (await siteAnswer(site.sitePort)) === 'v1', 30_000, 200);
    });

    const lab = useLab(shape, () => jarvisConfig(site));

    after(async () => {
      await caddy?.stop();
      await new Promise((resolve) => busy?.close(resolve));
      rmSync(site.dir, { recursive: true, force: true });
    });

    it('rolls back an edit caddy validate accepts but Caddy cannot load: file byte-identical, one backup, Caddy still serves', async () => {
      const before = readFileSync(site.caddyfile);
      const taken = `respond "v1"\n}\n\n:${site.busyPort} {\n\tbind 127.0.0.1\n\trespond "taken"\n}\n`;
      const { reply, events } = await applyThroughJarvis(lab, { path: site.caddyfile, format: 'caddyfile', change: { kind: 'replace_text', old: 'respond "v1"\n}\n', new: taken } });
      const story = timeline(events);
      assert.equal(reply.outcome, 'rolled_back', `${reply.reason}\n${story}`);
      assert.deepEqual(configSteps(events), ['ConfigEditProposed', 'ConfigValidated', 'ConfigBackedUp', 'ConfigRolledBack'], story);
      const rolledBack = events.find((e): e is JarvisEventOf<'ConfigRolledBack'> => e.type === 'ConfigRolledBack')!;
      assert.match(rolledBack.data.reason, /caddy refused to load the new Caddyfile \(\d+\): .*address already in use/u, story);
      assert.ok(readFileSync(site.caddyfile).equals(before), 'the Caddyfile is byte-identical to before');
      assert.deepEqual(backupsIn(site.backups), [rolledBack.data.backupPath.slice(site.backups.length + 1)], 'one backup, the one the rollback names');
      assert.equal(await siteAnswer(site.sitePort), 'v1', 'Caddy still serves its site');
      assert.equal(await siteAnswer(site.busyPort), 'not caddy');
    });

    it('never backs up or writes an edit caddy validate refuses, recording Caddy\'s own error line; Caddy keeps serving', async () => {
      const before = readFileSync(site.caddyfile);
      const backups = backupsIn(site.backups);
      const { reply, events } = await applyThroughJarvis(lab, { path: site.caddyfile, format: 'caddyfile', change: { kind: 'replace_text', old: 'respond "v1"', new: 'respnd "v1"' } });
      const story = timeline(events);
      assert.equal(reply.outcome, 'failed', `${reply.reason}\n${story}`);
      assert.deepEqual(configSteps(events), ['ConfigEditProposed', 'ConfigEditFailed'], story);
      const failed = events.find((e): e is JarvisEventOf<'ConfigEditFailed'> => e.type === 'ConfigEditFailed')!;
      assert.equal(failed.data.stage, 'validation', story);
      assert.match(failed.data.reason, /^caddy validate: caddy validate exited with 1: .*unrecognized directive: respnd/u, story);
      assert.ok(readFileSync(site.caddyfile).equals(before), 'the Caddyfile is unchanged');
      assert.deepEqual(backupsIn(site.backups), backups, 'nothing was backed up');
      assert.equal(await siteAnswer(site.sitePort), 'v1', 'Caddy still serves its site');
    });

    it('applies a valid edit and Caddy serves the new content', async () => {
      const { reply, events } = await applyThroughJarvis(lab, { path: site.caddyfile, format: 'caddyfile', change: { kind: 'replace_text', old: 'respond "v1"', new: 'respond "v2"' } });
      const story = timeline(events);
      assert.equal(reply.outcome, 'applied', `${reply.reason}\n${story}`);
      assert.deepEqual(configSteps(events), ['ConfigEditProposed', 'ConfigValidated', 'ConfigBackedUp', 'ConfigApplied'], story);
      assert.equal(readFileSync(site.caddyfile, 'utf8'), caddyfileText(site).replace('respond "v1"', 'respond "v2"'));
      assert.equal(backupsIn(site.backups).length, 2, 'a second backup, of the file before this edit');
      // Caddy stops the replaced config's server only after /load has answered: for a moment that one may still answer.
      await waitFor('Caddy to serve the edited site', async () => (await siteAnswer(site.sitePort)) === 'v2', 10_000, 100);
    });
  });
}
