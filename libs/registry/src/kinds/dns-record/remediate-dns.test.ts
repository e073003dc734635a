import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DdclientConfig, DnsRecordConfig } from '@jarvis/config';
import { targetOf } from '@jarvis/contracts';
import type { DdclientForcedRun, DdclientInspection, DdclientPort } from '../ddclient/ddclient-port.js';
import type { DnsJudgement, DnsProblem } from './dns-record-check.js';
import { dnsRemedy, RemediateDns, RemediateDnsParams, type LookAtRecord } from './remediate-dns.js';

const nxdomain: DnsProblem = { kind: 'nxdomain', role: 'authoritative', server: '127.0.0.1:53', type: 'A', said: 'NXDOMAIN' };
const stale: DnsProblem = { kind: 'drift', role: 'resolver', server: '127.0.0.1:5353', type: 'A', said: '10.0.0.1' };
const timeout: DnsProblem = { kind: 'timeout', role: 'resolver', server: '127.0.0.1:5353', type: 'A', said: 'timeout' };

function record(domain: string, fields: Partial<DnsRecordConfig>): DnsRecordConfig {
  return Object.assign(new DnsRecordConfig(), { domain, authoritative: ['127.0.0.1:53'], ...fields });
}

describe('dnsRemedy: what a look at the record says to do', () => {
  it('given the zone without the record, then republish when ddclient publishes it, and nothing otherwise', () => {
    assert.deepEqual(dnsRemedy({ expectedFrom: 'ddclient' }, [nxdomain, stale], true), { kind: 'republish' });
    assert.equal(dnsRemedy({ expectedFrom: 'ddclient' }, [nxdomain], false).kind, 'none');
    assert.match(JSON.stringify(dnsRemedy({}, [nxdomain], true)), /no ddclient publishes it/);
  });

  it('given only stale resolvers, then wait for their TTL, naming them; a silent resolver has no remedy', () => {
    assert.deepEqual(dnsRemedy({}, [stale, { ...stale, kind: 'propagation' }], false), { kind: 'await_ttl', resolvers: ['127.0.0.1:5353'] });
    assert.equal(dnsRemedy({}, [stale, timeout], false).kind, 'none');
  });
});

describe('RemediateDns: infrastructure_remediate_dns', () => {
  const ddclient = Object.assign(new DdclientConfig(), { name: 'home', config: '/etc/ddclient.conf', runTimeoutSeconds: 10 });
  const published: DdclientForcedRun = { exitCode: 0, timedOut: false, hosts: [{ host: 'www.lab.test', outcome: 'updated', reason: null }] };
  const port = (run: DdclientForcedRun) => {
    const forced: string[] = [];
    const ddclientPort: DdclientPort = {
      inspect: async (): Promise<DdclientInspection> => ({ hostCount: 1, problems: [], hosts: [], logProblem: null }),
      forceUpdate: async () => (forced.push('force'), run),
      lastPublished: async () => ({ unreadable: 'remediate_dns never reads the cache' }),
    };
    return { forced, ddclientPort };
  };
  const looks = (...judgements: DnsJudgement[]) => async () => (judgements.length > 1 ? judgements.shift()! : judgements[0]!);
  const failing = (problems: DnsProblem[]): DnsJudgement => ({ status: 'failed', reason: 'www.lab.test: NXDOMAIN', problems });
  const ok: DnsJudgement = { status: 'ok', reason: 'www.lab.test resolves as expected', problems: [] };

  it('given ddclient\'s record missing from the zone, then ddclient -force, and verification waits for the check to pass', async () => {
    const { forced, ddclientPort } = port(published);
    const records = [record('www.lab.test', { expectedFrom: 'ddclient' })];
    const action = new RemediateDns(records, ddclient, looks(failing([nxdomain]), failing([nxdomain]), failing([nxdomain]), ok), ddclientPort);
    assert.deepEqual(await action.reobserve(targetOf('dns_record', 'www.lab.test')), { kind: 'fault_holds' });
    const outcome = await action.execute(targetOf('dns_record', 'www.lab.test'), new RemediateDnsParams(), AbortSignal.timeout(1000));
    assert.equal(outcome.result, 'republished through ddclient -force (www.lab.test)');
    assert.deepEqual(forced, ['force']);
    assert.equal((await action.verify(targetOf('dns_record', 'www.lab.test'))).kind, 'pending');
    assert.equal((await action.verify(targetOf('dns_record', 'www.lab.test'))).kind, 'passed');
  });

  it('given only a stale resolver, then it says it waits for the TTL and runs nothing', async () => {
    const { forced, ddclientPort } = port(published);
    const action = new RemediateDns([record('www.lab.test', { expectedAddresses: ['127.0.0.1'], resolvers: ['127.0.0.1:5353'] })], undefined, looks(failing([stale])), ddclientPort);
    const outcome = await action.execute(targetOf('dns_record', 'www.lab.test'), new RemediateDnsParams(), AbortSignal.timeout(1000));
    assert.match(outcome.result, /127\.0\.0\.1:5353 still answer from their cache until its TTL runs out/);
    assert.deepEqual(forced, []);
  });

  it('does not apply to a record with neither ddclient\'s address nor resolvers: a person decides', () => {
    const action = new RemediateDns([record('www.lab.test', { expectedAddresses: ['127.0.0.1'] })], ddclient, looks(ok), port(published).ddclientPort);
    assert.equal(action.appliesTo(targetOf('dns_record', 'www.lab.test')), false);
  });

  describe('alreadyDone: the DNS check passes now', () => {
    const www = targetOf('dns_record', 'www.lab.test');
    const records = [record('www.lab.test', { expectedFrom: 'ddclient' })];
    const cases: Array<{ name: string; look: LookAtRecord; target: typeof www; done: boolean }> = [
      { name: 'the record resolving as expected', look: looks(ok), target: www, done: true },
      { name: 'the zone still without the record', look: looks(failing([nxdomain])), target: www, done: false },
      {
        name: 'a look that throws',
        look: async () => {
          throw new Error('EAI_AGAIN');
        },
        target: www,
        done: false,
      },
      { name: 'a record not under dns.records', look: looks(ok), target: targetOf('dns_record', 'other.lab.test'), done: false },
    ];
    for (const { name, look, target, done } of cases) {
      it(`given ${name}, then ${done ? 'done' : 'not done'}, and ddclient is not run`, async () => {
        const { forced, ddclientPort } = port(published);
        assert.equal(await new RemediateDns(records, ddclient, look, ddclientPort).alreadyDone(target), done);
        assert.deepEqual(forced, []);
      });
    }
  });
});
