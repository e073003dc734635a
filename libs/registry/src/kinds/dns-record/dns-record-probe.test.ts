import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DnsRecordConfig } from '@jarvis/config';
import { DnsRecordProbe } from './dns-record-probe.js';
import type { DnsQuery, DnsQueryPort, DnsReply, PushedAddresses, PushedAddressPort } from './dns-record-port.js';

/** Answers from a table keyed `server type`; records every question. */
function fakeDns(table: Record<string, DnsReply>): DnsQueryPort & { asked: DnsQuery[] } {
  const asked: DnsQuery[] = [];
  return {
    asked,
    query: async (question) => {
      asked.push(question);
      return table[`${question.server} ${question.type}`] ?? { outcome: 'timeout', addresses: [] };
    },
  };
}

const pushedPort = (pushed: PushedAddresses): PushedAddressPort => ({ lastPushed: async () => pushed });

function record(change: Partial<DnsRecordConfig>): DnsRecordConfig {
  return Object.assign(new DnsRecordConfig(), { domain: 'www.lab.jarvis.test', authoritative: ['127.0.0.1:5301'], resolvers: ['127.0.0.1:5300'] }, change);
}

const signal = new AbortController().signal;

describe('DnsRecordProbe', () => {
  it('given two servers and two types, when run, then it asks each server for each type with the record\'s limits', async () => {
    const dns = fakeDns({});
    const probe = new DnsRecordProbe(record({ expectedAddresses: ['127.0.0.1'], types: ['A', 'AAAA'], timeoutMs: 500, tries: 3 }), dns, undefined);
    await probe.run(signal);
    assert.deepEqual(
      dns.asked.map((q) => `${q.server} ${q.type} ${q.name} ${q.timeoutMs}x${q.tries}`).sort(),
      ['127.0.0.1:5300 A www.lab.jarvis.test 500x3', '127.0.0.1:5300 AAAA www.lab.jarvis.test 500x3', '127.0.0.1:5301 A www.lab.jarvis.test 500x3', '127.0.0.1:5301 AAAA www.lab.jarvis.test 500x3'],
    );
    assert.deepEqual([probe.target.kind, probe.target.id, probe.check, probe.intervalMs, probe.timeoutMs], ['dns_record', 'www.lab.jarvis.test', 'dns_resolution', 60_000, 2500]);
  });

  it('given expectedFrom ddclient, when ddclient last pushed the address the zone has, then it passes', async () => {
    const dns = fakeDns({ '127.0.0.1:5301 A': { outcome: 'answer', addresses: ['127.0.0.1'] }, '127.0.0.1:5300 A': { outcome: 'answer', addresses: ['127.0.0.1'] } });
    const finding = await new DnsRecordProbe(record({ expectedFrom: 'ddclient' }), dns, pushedPort({ addresses: ['127.0.0.1'] })).run(signal);
    assert.equal(finding.status, 'ok', finding.reason);
    assert.match(finding.reason, /expected 127\.0\.0\.1, what ddclient last pushed/);
  });

  it('given expectedFrom ddclient, when ddclient pushed another address, then the zone\'s is wrong', async () => {
    const dns = fakeDns({ '127.0.0.1:5301 A': { outcome: 'answer', addresses: ['127.0.0.1'] }, '127.0.0.1:5300 A': { outcome: 'answer', addresses: ['127.0.0.1'] } });
    const finding = await new DnsRecordProbe(record({ expectedFrom: 'ddclient' }), dns, pushedPort({ addresses: ['192.0.2.7'] })).run(signal);
    assert.deepEqual(finding.problems.map((p) => p.kind), ['wrong_address', 'wrong_address']);
  });

  it('given expectedFrom ddclient and no ddclient source in this process, then it judges without an expectation and says why', async () => {
    const dns = fakeDns({ '127.0.0.1:5301 A': { outcome: 'nxdomain', addresses: [] }, '127.0.0.1:5300 A': { outcome: 'nxdomain', addresses: [] } });
    const finding = await new DnsRecordProbe(record({ expectedFrom: 'ddclient' }), dns, undefined).run(signal);
    assert.equal(finding.status, 'failed');
    assert.match(finding.reason, /NXDOMAIN for A at authoritative 127\.0\.0\.1:5301; NXDOMAIN for A at resolver 127\.0\.0\.1:5300 \(expected address unknown: no ddclient source is available in this process\)/);
  });

  it('given ddclient has published nothing, then the reason carries ddclient\'s why', async () => {
    const dns = fakeDns({ '127.0.0.1:5301 A': { outcome: 'answer', addresses: ['127.0.0.1'] }, '127.0.0.1:5300 A': { outcome: 'answer', addresses: ['127.0.0.1'] } });
    const finding = await new DnsRecordProbe(record({ expectedFrom: 'ddclient' }), dns, pushedPort({ addresses: null, why: 'no cache entry for www.lab.jarvis.test' })).run(signal);
    assert.match(finding.reason, /expected address unknown: no cache entry for www\.lab\.jarvis\.test/);
  });
});
