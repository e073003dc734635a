import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CommandRefusedError } from '@jarvis/command-runner';
import { SYSTEMD_UNIT_PATTERN } from '@jarvis/config';
import { newId, type ConfigApplyReply, type JarvisEvent } from '@jarvis/contracts';
import { ConfigEditor, ConfigFiles, loadAllowedPaths, type ConfigValidator } from '@jarvis/config-editing';
import { ConfigEditSteps, evolveEditorState, initialEditorState, parseApplyRequest, type StepContext } from '@jarvis/config-editor-service';
import { ComponentRestarts } from '@jarvis/executor-service';
import { RESTORE_DDCLIENT_CREDENTIALS } from '@jarvis/registry';
import { hostileCorpus } from '../support/hostile-corpus.js';

const GOOD = 'protocol=nsupdate\nlogin=/usr/bin/nsupdate\npassword=/etc/ddclient/Kgood.key\nwww.lab.test\n';
const nothingValidates: ConfigValidator = { name: 'never reached', validate: () => Promise.reject(new Error('a hostile edit reached validation')) };

/**
 * The 100+ hostile arguments of the command runner's corpus, fed to the edge chain where a message or jarvis.yaml
 * could carry them: as the target id, the known-good copy, the restored keys and the path of a credential restore
 * (apply request → config editor), and as the systemd unit of a restart. Nothing runs, nothing is written.
 */
describe('the hostile corpus through the edge chain: nothing runs, nothing changes', { timeout: 120_000 }, () => {
  let root: string;
  let conf: string;
  let backups: string;
  let pwned: string;
  let steps: ConfigEditSteps;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'jarvis-hostile-chain-'));
    mkdirSync(join(root, 'etc'));
    backups = join(root, 'backups');
    mkdirSync(backups);
    conf = join(root, 'etc', 'ddclient.conf');
    pwned = join(root, 'pwned');
    writeFileSync(conf, GOOD, { mode: 0o600 });
    const files = new ConfigFiles({ allowed: await loadAllowedPaths([join(root, 'etc')]), backupFolder: backups, retention: { keep: 3, maxAgeMs: 86_400_000 } });
    const editor = new ConfigEditor({ files, caddyValidator: nothingValidates, validators: { ddclient: nothingValidates }, healthChecks: () => undefined });
    steps = new ConfigEditSteps(editor, { applyTimeoutMs: 10_000, actionWaitMs: 0 });
  });

  after(() => rmSync(root, { recursive: true, force: true }));

  /** The request an executor would send for a restore, with one field replaced by `hostile`. */
  function requests(hostile: string): unknown[] {
    const edit = { path: conf, format: 'ddclient', change: { kind: 'restore_known_good', knownGood: 'ddclient.conf.00000000.20250301T120000000Z.good', keys: ['password'] } };
    const base = { actionId: newId(), caseId: newId(), action: RESTORE_DDCLIENT_CREDENTIALS, target: { kind: 'ddclient', id: 'lab' }, edit };
    return [
      { ...base, target: { kind: 'ddclient', id: hostile } },
      { ...base, edit: { ...edit, change: { ...edit.change, knownGood: hostile } } },
      { ...base, edit: { ...edit, change: { ...edit.change, keys: [hostile] } } },
      { ...base, edit: { ...edit, path: hostile } },
    ];
  }

  /** Each request twice when it parses: as an unknown action, then as one the executor really started with exactly these params. */
  async function throughTheEditor(body: unknown, events: JarvisEvent[]): Promise<ConfigApplyReply[]> {
    const parsed = parseApplyRequest(body);
    if (!parsed.ok) return [];
    const state = initialEditorState();
    const ctx: StepContext = { state: () => state, record: async (event) => void (events.push(event), evolveEditorState(state, event)), now: () => new Date() };
    const unknown = await steps.apply(parsed.request, ctx);
    const { actionId, caseId, target, action, edit } = parsed.request;
    state.actions.set(actionId, { caseId, action, target, params: { ...edit }, decisionId: newId() });
    const retried = await steps.apply({ ...parsed.request, actionId: newId() }, ctx);
    state.actions.set(actionId, { caseId, action, target, params: { ...edit }, decisionId: newId() });
    const started = await steps.apply(parsed.request, ctx);
    return [unknown, retried, started];
  }

  it('as target id, known-good copy, restored key or path of a credential restore: refused at the request or by the editor, the file untouched', async () => {
    const corpus = hostileCorpus(pwned);
    assert.ok(corpus.length >= 100, `corpus has ${corpus.length} entries`);
    const events: JarvisEvent[] = [];
    const replies: ConfigApplyReply[] = [];
    let refusedAtTheRequest = 0;
    for (const hostile of corpus) {
      for (const body of requests(hostile)) {
        const answered = await throughTheEditor(body, events);
        if (answered.length === 0) refusedAtTheRequest += 1;
        replies.push(...answered);
      }
    }
    assert.ok(refusedAtTheRequest > corpus.length * 2, `${refusedAtTheRequest} refused by the request's own checks`);
    for (const reply of replies) assert.ok(reply.outcome === 'refused' || reply.outcome === 'failed', JSON.stringify(reply));
    assert.equal(readFileSync(conf, 'utf8'), GOOD);
    assert.deepEqual(readdirSync(backups), [], 'no backup, no known-good copy');
    assert.deepEqual([...new Set(events.map((e) => e.type))].filter((type) => type !== 'ConfigEditFailed'), [], 'no step past the failure');
    assert.equal(existsSync(pwned), false);
    for (const event of events) assert.ok(!/[\0\r\n]/u.test((event.data as { path: string }).path), 'a refused path is recorded escaped, on one line');
  });

  it('as the systemd unit of a restart: only a plain unit name ever reaches systemctl, as one operand after --', async () => {
    const systemctl = join(root, 'systemctl');
    const calls = join(root, 'calls.jsonl');
    writeFileSync(systemctl, `#!${process.execPath}\nrequire('node:fs').appendFileSync(${JSON.stringify(calls)}, JSON.stringify(process.argv.slice(2)) + '\\n');\n`);
    chmodSync(systemctl, 0o755);
    const restarts = new ComponentRestarts({ restart: () => assert.fail('no container here') } as never, 10_000);
    const ran: string[] = [];
    for (const hostile of hostileCorpus(pwned).flatMap((h) => [h, `${h}.service`])) {
      const attempt = restarts.restartUnit({ systemctl, unit: hostile }, AbortSignal.timeout(10_000));
      if (SYSTEMD_UNIT_PATTERN.test(hostile)) {
        await attempt;
        ran.push(hostile);
      } else {
        await assert.rejects(attempt, (error: Error) => error instanceof CommandRefusedError && !/[\0\r\n]/u.test(error.message), JSON.stringify(hostile));
      }
    }
    const recorded = existsSync(calls) ? readFileSync(calls, 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as string[]) : [];
    assert.deepEqual(recorded, ran.map((unit) => ['--', 'restart', unit]));
    assert.ok(ran.every((unit) => /^[A-Za-z0-9_.:@]/.test(unit) && !/[\s;|&$`'"<>\\]/.test(unit)), ran.join(', '));
    assert.equal(existsSync(pwned), false);
  });
});
