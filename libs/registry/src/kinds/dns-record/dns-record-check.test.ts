import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DnsRecordType } from '@jarvis/config';
import { judgeDnsRecord, MAX_DNS_REASON, type DnsExpectation, type DnsProblemKind, type ServerAnswer } from './dns-record-check.js';
import type { DnsReply } from './dns-record-port.js';

const DOMAIN = 'www.lab.jarvis.test';
const AUTH = '127.0.0.1:5301';
const AUTH2 = '127.0.0.1:5302';
const RES = '127.0.0.1:5300';
const EXPECT: DnsExpectation = { addresses: ['127.0.0.1'], source: 'configured' };

const ip = (...addresses: string[]): DnsReply => ({ outcome: 'answer', addresses });
const NX: DnsReply = { outcome: 'nxdomain', addresses: [] };
const NODATA: DnsReply = { outcome: 'nodata', addresses: [] };
const SERVFAIL: DnsReply = { outcome: 'servfail', addresses: [] };
const TIMEOUT: DnsReply = { outcome: 'timeout', addresses: [], detail: '2 tries of 500 ms' };

const auth = (reply: DnsReply, server = AUTH, type: DnsRecordType = 'A'): ServerAnswer => ({ server, role: 'authoritative', type, reply });
const res = (reply: DnsReply, server = RES, type: DnsRecordType = 'A'): ServerAnswer => ({ server, role: 'resolver', type, reply });

type Row = { given: string; expectation?: DnsExpectation; answers: ServerAnswer[]; then: Array<[DnsProblemKind, string]> };

const TABLE: Row[] = [
  { given: 'every server answers the expected address', answers: [auth(ip('127.0.0.1')), res(ip('127.0.0.1'))], then: [] },
  { given: 'the record is missing everywhere (ddclient never published it)', answers: [auth(NX), res(NX)], then: [['nxdomain', AUTH], ['nxdomain', RES]] },
  { given: 'SERVFAIL from the resolver', answers: [auth(ip('127.0.0.1')), res(SERVFAIL)], then: [['servfail', RES]] },
  { given: 'a silent authoritative server', answers: [auth(TIMEOUT), res(ip('127.0.0.1'))], then: [['timeout', AUTH]] },
  { given: 'the zone holds another address', answers: [auth(ip('10.0.0.9')), res(ip('10.0.0.9'))], then: [['wrong_address', AUTH], ['wrong_address', RES]] },
  { given: 'the name exists without an A record', answers: [auth(NODATA)], then: [['nodata', AUTH]] },
  {
    given: 'the zone has the new address, the resolver still the old one: propagation',
    answers: [auth(ip('127.0.0.1')), res(ip('10.0.0.9'))],
    then: [['propagation', RES]],
  },
  { given: 'the zone has the address, the resolver still caches NXDOMAIN: propagation', answers: [auth(ip('127.0.0.1')), res(NX)], then: [['propagation', RES]] },
  {
    given: 'the zone lost the record while the resolver still serves the expected address: drift',
    answers: [auth(NX), res(ip('127.0.0.1'))],
    then: [['nxdomain', AUTH], ['drift', RES]],
  },
  {
    given: 'nothing is expected yet and resolver and zone disagree: drift',
    expectation: { addresses: null, why: 'ddclient has published nothing for this name' },
    answers: [auth(ip('192.0.2.1')), res(ip('192.0.2.2'))],
    then: [['drift', RES]],
  },
  {
    given: 'nothing is expected and the two authoritative servers disagree: drift',
    expectation: { addresses: null, why: 'no ddclient cache' },
    answers: [auth(ip('192.0.2.1')), auth(ip('192.0.2.2'), AUTH2)],
    then: [['drift', AUTH2]],
  },
  { given: 'nothing is expected and everyone agrees', expectation: { addresses: null, why: 'unknown' }, answers: [auth(ip('192.0.2.1')), res(ip('192.0.2.1'))], then: [] },
  {
    given: 'one authoritative server silent, the other has the address, the resolver is behind: a timeout and propagation',
    answers: [auth(TIMEOUT), auth(ip('127.0.0.1'), AUTH2), res(NX)],
    then: [['timeout', AUTH], ['propagation', RES]],
  },
  { given: 'resolvers only, with the wrong address', answers: [res(ip('10.0.0.9'))], then: [['wrong_address', RES]] },
  {
    given: 'an AAAA record nobody expects',
    answers: [auth(ip('127.0.0.1')), auth(ip('::1'), AUTH, 'AAAA')],
    then: [['wrong_address', AUTH]],
  },
  {
    given: 'A and AAAA both expected and both there, in any order',
    expectation: { addresses: ['::1', '127.0.0.2', '127.0.0.1'], source: 'configured' },
    answers: [auth(ip('127.0.0.2', '127.0.0.1')), auth(ip('::1'), AUTH, 'AAAA')],
    then: [],
  },
];

describe('judgeDnsRecord', () => {
  for (const row of TABLE) {
    it(row.given, () => {
      const judgement = judgeDnsRecord(DOMAIN, row.expectation ?? EXPECT, row.answers);
      assert.deepEqual(
        judgement.problems.map((p) => [p.kind, p.server]),
        row.then,
      );
      assert.equal(judgement.status, row.then.length === 0 ? 'ok' : 'failed');
    });
  }

  it('says per server what it answered, and what was expected', () => {
    const judgement = judgeDnsRecord(DOMAIN, EXPECT, [auth(NX), res(TIMEOUT)]);
    assert.equal(
      judgement.reason,
      `${DOMAIN}: NXDOMAIN for A at authoritative ${AUTH}; timeout for A at resolver ${RES} (expected 127.0.0.1); ` +
        `answers: authoritative ${AUTH} A NXDOMAIN, resolver ${RES} A timeout (2 tries of 500 ms)`,
    );
  });

  it('names propagation and ddclient as the source of the expectation', () => {
    const judgement = judgeDnsRecord(DOMAIN, { addresses: ['127.0.0.1'], source: 'ddclient' }, [auth(ip('127.0.0.1')), res(NX)]);
    assert.equal(
      judgement.reason,
      `${DOMAIN}: propagation in progress for A at resolver ${RES} (expected 127.0.0.1, what ddclient last pushed); ` +
        `answers: authoritative ${AUTH} A 127.0.0.1, resolver ${RES} A NXDOMAIN`,
    );
  });

  it('says why nothing could be expected', () => {
    const judgement = judgeDnsRecord(DOMAIN, { addresses: null, why: 'ddclient has published nothing for this name' }, [auth(ip('127.0.0.1'))]);
    assert.equal(judgement.reason, `${DOMAIN} resolves as expected (expected address unknown: ddclient has published nothing for this name); answers: authoritative ${AUTH} A 127.0.0.1`);
  });

  it('keeps the reason within what an event can carry', () => {
    const many = Array.from({ length: 40 }, (_, i) => res(TIMEOUT, `[2001:db8::${i + 1}]:5353`));
    const judgement = judgeDnsRecord(DOMAIN, EXPECT, many);
    assert.equal(judgement.reason.length, MAX_DNS_REASON);
    assert.equal(judgement.problems.length, 40);
  });
});
