import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DdclientConfig } from '@jarvis/config';
import { targetOf } from '@jarvis/contracts';
import type { DdclientForcedRun, DdclientHostReading, DdclientInspection, DdclientPort } from './ddclient-port.js';
import { FixDdclient, FixDdclientParams } from './fix-ddclient.js';

const home = Object.assign(new DdclientConfig(), { name: 'home', config: '/etc/ddclient.conf', runTimeoutSeconds: 10 });
const target = targetOf('ddclient', 'home');
const failedHost: DdclientHostReading = { host: 'www.lab.test', outcome: 'failed', reason: 'bad_signature' };
const updatedHost: DdclientHostReading = { host: 'www.lab.test', outcome: 'updated', reason: null };

/** Shows the log readings the test sets, one per inspection (the last repeats), and answers forced runs likewise. */
class ScriptedDdclient implements DdclientPort {
  readonly forced: DdclientConfig[] = [];

  constructor(
    private readonly logs: Array<readonly DdclientHostReading[]>,
    private readonly run: DdclientForcedRun = { exitCode: 0, timedOut: false, hosts: [updatedHost] },
  ) {}

  async inspect(): Promise<DdclientInspection> {
    const hosts = this.logs.length > 1 ? this.logs.shift()! : this.logs[0]!;
    return { hostCount: 1, problems: [], hosts, logProblem: null };
  }

  async forceUpdate(ddclient: DdclientConfig): Promise<DdclientForcedRun> {
    this.forced.push(ddclient);
    return this.run;
  }
}

const signal = () => AbortSignal.timeout(1000);

describe('FixDdclient: infrastructure_fix_ddclient', () => {
  it('given the log still shows a failure, then the fault holds; once it shows an update, the decision is superseded', async () => {
    const port = new ScriptedDdclient([[failedHost], [updatedHost]]);
    const action = new FixDdclient(home, port);
    assert.deepEqual(await action.reobserve(target), { kind: 'fault_holds' });
    const later = await action.reobserve(target);
    assert.equal(later.kind, 'superseded');
    assert.match((later as { evidence: string }).evidence, /ddclient_update ok .*www.lab.test updated/);
  });

  it('given a forced run that updates every host, then it succeeds naming them, and verify passes on the log', async () => {
    const port = new ScriptedDdclient([[updatedHost]]);
    const action = new FixDdclient(home, port);
    const done = await action.execute(target, new FixDdclientParams(), signal());
    assert.deepEqual(done, { result: 'ddclient -force updated www.lab.test', details: { hostsUpdated: 1 } });
    assert.equal(port.forced[0], home);
    assert.equal((await action.verify(target)).kind, 'passed');
  });

  it('given a forced run refused with BADSIG, then it fails with that reason and verify fails', async () => {
    const port = new ScriptedDdclient([[failedHost]], { exitCode: 0, timedOut: false, hosts: [failedHost] });
    const action = new FixDdclient(home, port);
    await assert.rejects(action.execute(target, new FixDdclientParams(), signal()), /did not publish www.lab.test failed: the TSIG key's secret does not match .*NOTAUTH\(BADSIG\)/);
    const verdict = await action.verify(target);
    assert.equal(verdict.kind, 'failed');
  });

  it('given a forced run that timed out or updated nothing, then it fails saying so', async () => {
    const timedOut = new FixDdclient(home, new ScriptedDdclient([[]], { exitCode: null, timedOut: true, hosts: [] }));
    await assert.rejects(timedOut.execute(target, new FixDdclientParams(), signal()), /did not finish within 10 s/);
    const nothing = new FixDdclient(home, new ScriptedDdclient([[]], { exitCode: 1, timedOut: false, hosts: [] }));
    await assert.rejects(nothing.execute(target, new FixDdclientParams(), signal()), /updated no host \(exit code 1\)/);
  });

  it('given a ddclient that is not the one in jarvis.yaml, then it does not apply, is not watched and nothing runs', async () => {
    const port = new ScriptedDdclient([[failedHost]]);
    const action = new FixDdclient(home, port);
    const other = targetOf('ddclient', 'other');
    assert.equal(action.appliesTo(other), false);
    assert.equal((await action.reobserve(other)).kind, 'not_watched');
    await assert.rejects(action.execute(other, new FixDdclientParams(), signal()), /target.id: other is not the ddclient in jarvis.yaml/);
    assert.equal(port.forced.length, 0);
    assert.equal(new FixDdclient(undefined, port).appliesTo(target), false);
  });

  it('is never counted as already done: a repeated forced update is harmless', async () => {
    assert.equal(await new FixDdclient(home, new ScriptedDdclient([[]])).alreadyDone(), false);
  });
});
