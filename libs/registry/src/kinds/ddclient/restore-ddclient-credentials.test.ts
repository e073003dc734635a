import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DdclientConfig } from '@jarvis/config';
import { targetOf, validateParams, type ConfigApplyReply, type ConfigApplyRequest } from '@jarvis/contracts';
import type { ConfigApplyPort } from './config-apply-port.js';
import type { DdclientForcedRun, DdclientInspection, DdclientPort, DdclientPublications } from './ddclient-port.js';
import { RESTORE_DDCLIENT_CREDENTIALS, RestoreDdclientCredentials, RestoreDdclientCredentialsParams } from './restore-ddclient-credentials.js';

const home = Object.assign(new DdclientConfig(), { name: 'home', config: '/etc/ddclient.conf', runTimeoutSeconds: 10 });
const target = targetOf('ddclient', 'home');
const run = { actionId: '0b7f3c2a-0000-4000-8000-000000000001', caseId: '0b7f3c2a-0000-4000-8000-000000000002', approvalId: '0b7f3c2a-0000-4000-8000-000000000003' };
const plain = { path: '/etc/ddclient.conf', format: 'ddclient', change: { kind: 'restore_known_good', knownGood: 'ddclient.conf.1a2b3c4d.20250301T120000000Z.good', keys: ['login', 'password', 'server'] } };

class ForcedRuns implements DdclientPort {
  forced = 0;
  constructor(private readonly result: DdclientForcedRun) {}
  async inspect(): Promise<DdclientInspection> {
    return { hostCount: 1, problems: [], hosts: [], logProblem: null };
  }
  async forceUpdate(): Promise<DdclientForcedRun> {
    this.forced += 1;
    return this.result;
  }
  async lastPublished(): Promise<DdclientPublications> {
    return { hosts: [{ host: 'www.lab.test', publishedAt: new Date('2026-03-01T12:00:05Z') }] };
  }
}

class RecordingEditor implements ConfigApplyPort {
  readonly requests: ConfigApplyRequest[] = [];
  constructor(private readonly reply: Omit<ConfigApplyReply, 'actionId'>) {}
  async apply(request: ConfigApplyRequest): Promise<ConfigApplyReply> {
    this.requests.push(request);
    return { actionId: request.actionId, ...this.reply };
  }
}

const applied = { outcome: 'applied' as const, reason: 'applied; health: fine', diff: '-password=********\n+password=********', needsApproval: true, backupPath: '/var/backups/ddclient.conf.bak' };
const published: DdclientForcedRun = { exitCode: 0, timedOut: false, hosts: [{ host: 'www.lab.test', outcome: 'updated', reason: null }] };

function params(): RestoreDdclientCredentialsParams {
  const validated = validateParams(RestoreDdclientCredentialsParams, plain);
  assert.ok(validated.ok, JSON.stringify(validated));
  return validated.value;
}

describe('RestoreDdclientCredentials: infrastructure_restore_ddclient_credentials', () => {
  it('asks the config editor to apply exactly its params, keyed by the run, citing the grant, then forces the update', async () => {
    const editor = new RecordingEditor(applied);
    const port = new ForcedRuns(published);
    const outcome = await new RestoreDdclientCredentials(home, port, editor).execute(target, params(), AbortSignal.timeout(1000), run);
    assert.deepEqual(editor.requests, [{ ...run, target, action: RESTORE_DDCLIENT_CREDENTIALS, edit: plain }]);
    assert.equal(port.forced, 1);
    assert.match(outcome.result, /restored login, password, server from ddclient\.conf\.1a2b.*\(backup \/var\/backups\/ddclient\.conf\.bak\); ddclient -force updated www\.lab\.test/);
  });

  it('given the editor refuses (no grant), then it fails with the editor\'s reason and forces nothing', async () => {
    const port = new ForcedRuns(published);
    const editor = new RecordingEditor({ ...applied, outcome: 'refused', reason: 'approval: a credential change needs an approval and the request cites none' });
    await assert.rejects(new RestoreDdclientCredentials(home, port, editor).execute(target, params(), AbortSignal.timeout(1000), run), /did not apply the restore \(refused\): approval: /);
    assert.equal(port.forced, 0);
  });

  it('given the restore applied but ddclient still not publishing, then it fails saying both', async () => {
    const port = new ForcedRuns({ exitCode: 1, timedOut: false, hosts: [{ host: 'www.lab.test', outcome: 'failed', reason: 'NOTAUTH(BADSIG)' }] });
    await assert.rejects(new RestoreDdclientCredentials(home, port, new RecordingEditor(applied)).execute(target, params(), AbortSignal.timeout(1000), run), /credentials restored from .*, but ddclient -force did not publish www\.lab\.test/);
  });

  it('given no run (called outside the executor), then nothing is asked', async () => {
    const editor = new RecordingEditor(applied);
    await assert.rejects(new RestoreDdclientCredentials(home, new ForcedRuns(published), editor).execute(target, params(), AbortSignal.timeout(1000)), /needs the run/);
    assert.equal(editor.requests.length, 0);
  });

  it('refuses params that are not a restore of known credentials: other keys, another kind of change, a path as copy name', () => {
    for (const change of [
      { ...plain.change, keys: ['use'] },
      { kind: 'set', values: { password: 'x' } },
      { ...plain.change, knownGood: '../../etc/shadow' },
    ]) {
      assert.equal(validateParams(RestoreDdclientCredentialsParams, { ...plain, change }).ok, false, JSON.stringify(change));
    }
    assert.equal(validateParams(RestoreDdclientCredentialsParams, { ...plain, format: 'yaml' }).ok, false);
  });

  it('is done once ddclient\'s cache shows the forced update after the decision, not before', async () => {
    const action = new RestoreDdclientCredentials(home, new ForcedRuns(published), new RecordingEditor(applied));
    assert.equal(await action.alreadyDone(target, params(), new Date('2026-03-01T12:00:01Z')), true);
    assert.equal(await action.alreadyDone(target, params(), new Date('2026-03-01T12:00:06Z')), false);
  });
});
