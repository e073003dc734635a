import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { recogniseDdclientOutput } from './ddclient-output.js';

const SUCCESS_RUN = `INFO:     forcing updating www.lab.test because no cached entry exists.
UPDATE:   updating www.lab.test
UPDATE:   send
SUCCESS:  updating www.lab.test: 1: IP address set to 127.0.0.1
`;

const BADSIG_COMBINED = `UPDATE:   updating www.lab.test
UPDATE:   send
; TSIG error with server: tsig indicates error
update failed: NOTAUTH(BADSIG)
ddclient: failed closing | /usr/bin/nsupdate -k /tmp/bad.conf.()
FAILED:   updating www.lab.test
`;

const SKIP_RUN = `WARNING:  skipping update of www.lab.test from <nothing> to 127.0.0.1.
WARNING:  last updated <never> but last attempt on Sun Nov 29 01:56:22 2026 failed.
WARNING:  Wait at least 5 minutes between update attempts.
`;

describe('recogniseDdclientOutput', () => {
  /** A captured run is read as its stdout, then its stderr (where ddclient writes FAILED and WARNING, after nsupdate's errors). */
  const table: Array<[string, string, string, ReturnType<typeof recogniseDdclientOutput>]> = [
    ['a success', SUCCESS_RUN, '', [{ host: 'www.lab.test', outcome: 'updated', reason: null }]],
    ['BADSIG in a combined stream', BADSIG_COMBINED, '', [{ host: 'www.lab.test', outcome: 'failed', reason: 'bad_signature' }]],
    ['BADKEY from a separate stderr', 'UPDATE:   updating www.lab.test\n', 'update failed: NOTAUTH(BADKEY)\nFAILED:   updating www.lab.test\n', [{ host: 'www.lab.test', outcome: 'failed', reason: 'bad_key' }]],
    ['REFUSED from a separate stderr', 'UPDATE:   updating www.lab.test\n', 'update failed: REFUSED\nFAILED:   updating www.lab.test\n', [{ host: 'www.lab.test', outcome: 'failed', reason: 'refused' }]],
    ['an unreadable key file', 'UPDATE:   updating www.lab.test\n', 'could not read key from /k,.{private,key}: file not found\nupdate failed: REFUSED\nFAILED:   updating www.lab.test\n', [{ host: 'www.lab.test', outcome: 'failed', reason: 'key_unreadable' }]],
    ['the 5-minute skip', SKIP_RUN, '', [{ host: 'www.lab.test', outcome: 'skipped', reason: 'wait_between_attempts' }]],
    ['a dyndns2 badauth', 'FAILED:   updating h.example.org: badauth: Bad authorization (username or password)\n', '', [{ host: 'h.example.org', outcome: 'failed', reason: 'bad_auth' }]],
    ['an unexplained failure', 'FAILED:   updating h.example.org\n', '', [{ host: 'h.example.org', outcome: 'failed', reason: 'other' }]],
    ['syslog lines, the latest per host winning', `Nov 29 01:00:00 box ddclient[10]: FAILED:   updating a.example.org: badauth\nNov 29 01:05:00 box ddclient[11]: SUCCESS:  updating b.example.org: good\nNov 29 01:10:00 box ddclient[12]: SUCCESS:  updating a.example.org: good\n`, '', [
      { host: 'a.example.org', outcome: 'updated', reason: null },
      { host: 'b.example.org', outcome: 'updated', reason: null },
    ]],
    ['two hosts, one reason each in order', 'UPDATE:   updating a.lab.test\nUPDATE:   updating b.lab.test\n', 'update failed: NOTAUTH(BADSIG)\nddclient: failed closing | /usr/bin/nsupdate -k /a.key.()\nFAILED:   updating a.lab.test\nupdate failed: NOTAUTH(BADKEY)\nddclient: failed closing | /usr/bin/nsupdate -k /b.key.()\nFAILED:   updating b.lab.test\n', [
      { host: 'a.lab.test', outcome: 'failed', reason: 'bad_signature' },
      { host: 'b.lab.test', outcome: 'failed', reason: 'bad_key' },
    ]],
    ['nothing recognisable', 'hello\n$(id)\n', '', []],
  ];
  for (const [name, stdout, stderr, expected] of table) {
    it(`recognises ${name}`, () => assert.deepEqual(recogniseDdclientOutput(`${stdout}\n${stderr}`), expected));
  }

  it('takes only host-name characters from a log line', () => {
    assert.deepEqual(recogniseDdclientOutput('FAILED:   updating evil.example.org;rm -rf /\n').map((s) => s.host), ['evil.example.org']);
  });

  it('does not carry a reason over to a later failure that has none of its own', () => {
    const text = 'update failed: NOTAUTH(BADSIG)\nFAILED:   updating a.lab.test\nFAILED:   updating b.example.org\n';
    assert.deepEqual(recogniseDdclientOutput(text).map((s) => s.reason), ['bad_signature', 'other']);
  });
});
