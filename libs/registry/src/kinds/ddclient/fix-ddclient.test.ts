import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DdclientConfig } from '@jarvis/config';
import { targetOf } from '@jarvis/contracts';
import type { DdclientForcedRun, DdclientHostReading, DdclientInspection, DdclientPort, DdclientPublications } from './ddclient-port.js';
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

  async lastPublished(): Promise<DdclientPublications> {
    return this.publications;
  }

  publications: DdclientPublications = { unreadable: 'no cache' };
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

});

describe('FixDdclient.alreadyDone: every host published in ddclient\'s cache since the decision', () => {
  const since = new Date('2026-03-01T12:00:00.700Z');
  const at = (iso: string | null) => (iso === null ? null : new Date(iso));
  const cases: Array<{ name: string; publications: DdclientPublications; done: boolean }> = [
    { name: 'one host published after', publications: { hosts: [{ host: 'www.lab.test', publishedAt: at('2026-03-01T12:00:03Z') }] }, done: true },
    { name: 'published in the decision\'s own second (mtime counts whole seconds)', publications: { hosts: [{ host: 'www.lab.test', publishedAt: at('2026-03-01T12:00:00Z') }] }, done: true },
    { name: 'published the second before', publications: { hosts: [{ host: 'www.lab.test', publishedAt: at('2026-03-01T11:59:59Z') }] }, done: false },
    {
      name: 'one of two hosts published after, the other long before',
      publications: { hosts: [{ host: 'www.lab.test', publishedAt: at('2026-03-01T12:00:03Z') }, { host: 'api.lab.test', publishedAt: at('2026-02-01T00:00:00Z') }] },
      done: false,
    },
    { name: 'a host never published', publications: { hosts: [{ host: 'www.lab.test', publishedAt: at('2026-03-01T12:00:03Z') }, { host: 'api.lab.test', publishedAt: null }] }, done: false },
    { name: 'no host in the config', publications: { hosts: [] }, done: false },
    { name: 'no cache to read', publications: { unreadable: 'no ddclient cache at /var/cache/ddclient/ddclient.cache' }, done: false },
  ];
  for (const { name, publications, done } of cases) {
    it(`given ${name}, then ${done ? 'done' : 'not done'}`, async () => {
      const port = new ScriptedDdclient([[]]);
      port.publications = publications;
      assert.equal(await new FixDdclient(home, port).alreadyDone(target, new FixDdclientParams(), since), done);
      assert.equal(port.forced.length, 0);
    });
  }

  it('given a cache read that throws, or a ddclient not in jarvis.yaml, then not done', async () => {
    const port = new ScriptedDdclient([[]]);
    port.lastPublished = async () => {
      throw new Error('EIO');
    };
    assert.equal(await new FixDdclient(home, port).alreadyDone(target, new FixDdclientParams(), since), false);
    const published = new ScriptedDdclient([[]]);
    published.publications = { hosts: [{ host: 'www.lab.test', publishedAt: at('2026-03-01T12:00:03Z') }] };
    assert.equal(await new FixDdclient(home, published).alreadyDone(targetOf('ddclient', 'other'), new FixDdclientParams(), since), false);
  });
});
