import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DdclientInspection } from './ddclient-port.js';
import { judgeDdclient } from './ddclient-update-check.js';

function inspection(parts: Partial<DdclientInspection>): DdclientInspection {
  return { hostCount: 1, problems: [], hosts: null, logProblem: null, ...parts };
}

describe('judgeDdclient', () => {
  const table: Array<[string, DdclientInspection, 'ok' | 'failed', RegExp]> = [
    ['a valid config and no log', inspection({}), 'ok', /^ddclient.conf valid \(1 host\)$/],
    ['a valid config and a successful update', inspection({ hosts: [{ host: 'www.lab.test', outcome: 'updated', reason: null }] }), 'ok', /log: www.lab.test updated/],
    ['a log with no update yet', inspection({ hostCount: 2, hosts: [] }), 'ok', /\(2 hosts\); no update in the log yet/],
    ['warnings only', inspection({ problems: [{ severity: 'warning', where: 'file', message: 'no host is configured' }] }), 'ok', /1 warning/],
    ['an unreadable log', inspection({ logProblem: '/var/log/ddclient.log: ENOENT' }), 'ok', /log unreadable: \/var\/log\/ddclient.log: ENOENT/],
    ['a config error', inspection({ problems: [{ severity: 'error', where: 'line 3, column 1', message: 'unknown option pasword (did you mean password?)' }] }), 'failed', /^ddclient.conf has 1 error: line 3, column 1: unknown option pasword/],
    ['a BADSIG failure', inspection({ hosts: [{ host: 'www.lab.test', outcome: 'failed', reason: 'bad_signature' }] }), 'failed', /updates not published for 1 host: www.lab.test failed: the TSIG key's secret does not match/],
    ['a skip after a failure', inspection({ hosts: [{ host: 'www.lab.test', outcome: 'skipped', reason: 'wait_between_attempts' }] }), 'failed', /www.lab.test skipped: .*-force runs it at once/],
    ['an unknown reason', inspection({ hosts: [{ host: 'h', outcome: 'failed', reason: null }] }), 'failed', /h failed: see the ddclient output/],
    ['errors and failures together, listing at most three', inspection({ problems: Array.from({ length: 5 }, (_, i) => ({ severity: 'error' as const, where: `line ${i + 1}, column 1`, message: `problem ${i}` })), hosts: [{ host: 'h', outcome: 'failed', reason: 'bad_key' }] }), 'failed', /5 errors: .*problem 2; and 2 more; updates not published for 1 host: h failed: the DNS server does not know the TSIG key name/],
  ];
  for (const [name, given, status, reason] of table) {
    it(`given ${name}, then ${status}`, () => {
      const finding = judgeDdclient(given);
      assert.equal(finding.status, status);
      assert.match(finding.reason, reason);
    });
  }
});
