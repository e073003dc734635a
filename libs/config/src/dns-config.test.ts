import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validatePlain } from '@jarvis/contracts';
import { dnsServerProblem, DnsConfig, DnsRecordConfig } from './dns-config.js';

const MINIMAL = { domain: 'www.lab.jarvis.test', expectedAddresses: ['127.0.0.1'], authoritative: ['127.0.0.1:5353'] };

function problemsOf(plain: Record<string, unknown>): string[] {
  const result = validatePlain(DnsRecordConfig, plain, 'dns.records[0]');
  assert.equal(result.ok, false, `expected problems for ${JSON.stringify(plain)}`);
  return result.ok ? [] : result.errors;
}

function accepted(plain: Record<string, unknown>): DnsRecordConfig {
  const result = validatePlain(DnsRecordConfig, plain);
  assert.ok(result.ok, result.ok ? '' : result.errors.join('\n'));
  return result.value;
}

describe('DnsRecordConfig', () => {
  it('gives the defaults for a domain, its expected address and one server', () => {
    assert.deepEqual({ ...accepted(MINIMAL) }, { ...MINIMAL, types: ['A'], resolvers: [], timeoutMs: 2000, tries: 2, intervalSeconds: 60 });
  });

  it('takes what ddclient last pushed as the expectation instead of a list', () => {
    const record = accepted({ domain: 'home.example.org', expectedFrom: 'ddclient', resolvers: ['192.0.2.53', '[2001:db8::53]:5353'], types: ['A', 'AAAA'] });
    assert.equal(record.expectedFrom, 'ddclient');
    assert.equal(record.expectedAddresses, undefined);
  });

  const refused: Array<[string, Record<string, unknown>, RegExp]> = [
    ['an upper-case domain', { ...MINIMAL, domain: 'WWW.lab.test' }, /domain: must be a lower-case DNS name/],
    ['a trailing dot', { ...MINIMAL, domain: 'www.lab.test.' }, /domain: must be a lower-case DNS name/],
    ['a shell character in the domain', { ...MINIMAL, domain: 'www;rm.lab.test' }, /domain: must be a lower-case DNS name/],
    ['no expectation at all', { domain: 'a.test', resolvers: ['127.0.0.1'] }, /expectedAddresses: is missing: list the expected addresses, or set expectedFrom: ddclient/],
    ['both expectations', { ...MINIMAL, expectedFrom: 'ddclient' }, /expectedAddresses: must not be set together with expectedFrom/],
    ['an unknown source', { domain: 'a.test', expectedFrom: 'cloudflare', resolvers: ['127.0.0.1'] }, /expectedFrom: must be one of the following values: ddclient/],
    ['a name as expected address', { ...MINIMAL, expectedAddresses: ['localhost'] }, /expectedAddresses: \[0\] must be an IPv4 or IPv6 address, not "localhost"/],
    ['an empty expected list', { ...MINIMAL, expectedAddresses: [] }, /expectedAddresses: must be a non-empty list/],
    ['an address twice', { ...MINIMAL, expectedAddresses: ['127.0.0.1', '127.0.0.1'] }, /expectedAddresses: must not list an address twice/],
    ['an IPv6 address without AAAA', { ...MINIMAL, expectedAddresses: ['::1'] }, /expectedAddresses: ::1 is an IPv6 address, but types does not ask for AAAA/],
    ['an IPv4 address without A', { ...MINIMAL, types: ['AAAA'] }, /expectedAddresses: 127.0.0.1 is an IPv4 address, but types does not ask for A/],
    ['no server', { domain: 'a.test', expectedAddresses: ['127.0.0.1'] }, /resolvers: needs at least one server/],
    ['a server name', { ...MINIMAL, resolvers: ['dns.google'] }, /resolvers: \[0\] must be an IP address/],
    ['a bad port', { ...MINIMAL, authoritative: ['127.0.0.1:99999'] }, /authoritative: \[0\] must have a port from 1 to 65535/],
    ['a record type other than A/AAAA', { ...MINIMAL, types: ['TXT'] }, /types: each value in types must be one of the following values: A, AAAA/],
    ['a timeout below 100 ms', { ...MINIMAL, timeoutMs: 10 }, /timeoutMs: must not be less than 100/],
  ];
  for (const [what, plain, message] of refused) {
    it(`refuses ${what}, naming the field`, () => {
      const problems = problemsOf(plain);
      assert.ok(problems.some((problem) => message.test(problem)), problems.join('\n'));
    });
  }

  it('refuses the same domain twice in dns.records', () => {
    const result = validatePlain(DnsConfig, { records: [MINIMAL, MINIMAL] }, 'dns');
    assert.equal(result.ok, false);
    assert.match(result.ok ? '' : result.errors.join('\n'), /records: must not list a domain twice/);
  });
});

describe('dnsServerProblem', () => {
  const table: Array<[string, string | null]> = [
    ['127.0.0.1', null],
    ['127.0.0.1:5353', null],
    ['::1', null],
    ['[::1]:53', null],
    ['[127.0.0.1]:53', 'must put only an IPv6 address in brackets, not "127.0.0.1"'],
    ['127.0.0.1:0', 'must have a port from 1 to 65535, not "0"'],
    ['127.0.0.1:-1', 'must have a port from 1 to 65535, not "-1"'],
    ['ns1.example.org', 'must be an IP address, optionally with a port (127.0.0.1:5353, [::1]:53), not "ns1.example.org"'],
    ['', 'must be an IP address, optionally with a port (127.0.0.1:5353, [::1]:53), not ""'],
  ];
  for (const [server, problem] of table) {
    it(`${JSON.stringify(server)} → ${problem ?? 'accepted'}`, () => assert.equal(dnsServerProblem(server), problem));
  }
});
