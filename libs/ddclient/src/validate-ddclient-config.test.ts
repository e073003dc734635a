import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDdclientConfig } from './parse-ddclient-config.js';
import { keyFilePaths, validateDdclientConfig, type KeyFileContent } from './validate-ddclient-config.js';

const CANARY = 'Canary-4b7f/secret+';
const KEY = 'key "lab-key" {\n\talgorithm hmac-sha256;\n\tsecret "aLoK+LAyelb6gDQRkzQNYqTDLd6aA57mDjjZcoVSPWM=";\n};\n';
const NSUPDATE = 'protocol=nsupdate, server=127.0.0.1:5353, zone=lab.test\npassword=/etc/ddclient/lab.key\nwww.lab.test\n';

function problems(text: string, keyFiles: Record<string, KeyFileContent> = {}): string[] {
  return validateDdclientConfig(parseDdclientConfig(text), new Map(Object.entries(keyFiles))).map((p) => `${p.severity} ${p.position ? `${p.position.line}:${p.position.column}` : '-'} ${p.field}: ${p.message}`);
}

describe('validateDdclientConfig', () => {
  it('accepts a complete nsupdate host whose key file parses', () => {
    assert.deepEqual(problems(NSUPDATE, { '/etc/ddclient/lab.key': { kind: 'text', text: KEY } }), []);
    assert.deepEqual(keyFilePaths(parseDdclientConfig(NSUPDATE)), ['/etc/ddclient/lab.key']);
  });

  const table: Array<[string, string, Record<string, KeyFileContent>, RegExp]> = [
    ['a typo in an option, with the keyword meant', 'pasword=x\nprotocol=dyndns2, login=a, password=realpw h.example.org\n', {}, /^error 1:1 pasword: unknown option pasword \(did you mean password\?\)/],
    ['a typo in the protocol', 'protocol=nsupdat, password=/k h.example.org\n', {}, /error .* protocol: host h.example.org: unknown protocol nsupdat \(did you mean nsupdate\?\)/],
    ['nsupdate without a server', 'protocol=nsupdate, zone=lab.test\npassword=/k\nh.lab.test\n', { '/k': { kind: 'text', text: KEY } }, /server: host h.lab.test: protocol nsupdate needs server/],
    ['nsupdate without a zone', 'protocol=nsupdate, server=127.0.0.1\npassword=/k\nh.lab.test\n', { '/k': { kind: 'text', text: KEY } }, /zone: host h.lab.test: protocol nsupdate needs zone/],
    ['nsupdate without a password', 'protocol=nsupdate, server=127.0.0.1, zone=lab.test h.lab.test\n', {}, /password: host h.lab.test: protocol nsupdate needs password/],
    ['dyndns2 (the default protocol) without a login', 'password=realpw h.example.org\n', {}, /login: host h.example.org: protocol dyndns2 needs login/],
    ['cloudflare without a zone', 'protocol=cloudflare\npassword=tok3n-value h.example.org\n', {}, /zone: host h.example.org: protocol cloudflare needs zone/],
    ['a password in double quotes (kept by ddclient)', 'protocol=dyndns2, login=a\npassword="realpw" h.example.org\n', {}, /password: host h.example.org: the password is wrapped in quotes/],
    ['a password with surrounding whitespace', "protocol=dyndns2, login=a\npassword=' realpw' h.example.org\n", {}, /the password has whitespace around it/],
    ['a placeholder password', 'protocol=dyndns2, login=a\npassword=changeme h.example.org\n', {}, /the password looks like a placeholder/],
    ['a <password> placeholder', 'protocol=dyndns2, login=a\npassword=<password> h.example.org\n', {}, /looks like a placeholder/],
    ['an xxx placeholder', 'protocol=dyndns2, login=a\npassword=xxxxx h.example.org\n', {}, /looks like a placeholder/],
    ['a key path glued to a comma', 'protocol=nsupdate, server=127.0.0.1, zone=lab.test\npassword=/k, h.lab.test\n', { '/k,': { kind: 'text', text: KEY } }, /the key file path ends with a comma/],
    ['a missing key file', NSUPDATE, { '/etc/ddclient/lab.key': { kind: 'unreadable', reason: '/etc/ddclient/lab.key does not exist (ENOENT)' } }, /nsupdate's password must be a TSIG key file, but \/etc\/ddclient\/lab.key does not exist/],
    ['a key file that is not a key', NSUPDATE, { '/etc/ddclient/lab.key': { kind: 'text', text: 'hello' } }, /TSIG key file, but it is not one key clause/],
    ['a key file with a bad algorithm', NSUPDATE, { '/etc/ddclient/lab.key': { kind: 'text', text: KEY.replace('hmac-sha256', 'rot13') } }, /key lab-key has an unknown algorithm/],
    ['a key file whose secret is not base64', NSUPDATE, { '/etc/ddclient/lab.key': { kind: 'text', text: KEY.replace(/secret ".*"/, `secret "${CANARY}!"`) } }, /the secret of key lab-key is not base64/],
    ['a relative key path', 'protocol=nsupdate, server=127.0.0.1, zone=lab.test\npassword=lab.key\nh.lab.test\n', {}, /but it is not an absolute path/],
    ['no host at all', 'ssl=yes\n', {}, /^warning - file: no host is configured/],
  ];
  for (const [name, text, keyFiles, expected] of table) {
    it(`finds ${name}`, () => {
      const found = problems(text, keyFiles);
      assert.ok(found.some((p) => expected.test(p)), found.join('\n'));
    });
  }

  it('never quotes a secret in a problem', () => {
    const texts = [`protocol=dyndns2, login=a\npassword="${CANARY}" h.example.org\n`, `protocol=dyndns2, login=a\npassword=' ${CANARY}' h.example.org\n`, `login=a,password=${CANARY} h.example.org\n`];
    for (const text of texts) for (const problem of problems(text)) assert.ok(!problem.includes(CANARY.slice(0, 10)), problem);
    const keyProblems = problems(NSUPDATE, { '/etc/ddclient/lab.key': { kind: 'text', text: KEY.replace(/secret ".*"/, `secret "${CANARY}!"`) } });
    for (const problem of keyProblems) assert.ok(!problem.includes(CANARY.slice(0, 10)), problem);
  });
});
