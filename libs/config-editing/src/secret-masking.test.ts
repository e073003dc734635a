import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ConfigEdit } from './config-edit.js';
import { isCredentialChange, MASK, maskLine, maskSecrets, secretValuesIn } from './secret-masking.js';

describe('maskLine', () => {
  const cases: [string, string][] = [
    ['password=hunter2', `password=${MASK}`],
    ['-password=hunter2', `-password=${MASK}`],
    ["+  password='with space'", `+  password=${MASK}`],
    ['login=me, password=hunter2', `login=me, password=${MASK}`],
    ['  apiToken: abc123', `  apiToken: ${MASK}`],
    ['    "client_secret": "s3cr3t",', `    "client_secret": ${MASK}`],
    ['\tapi_key abcdef', `\tapi_key ${MASK}`],
    ['server=ns1.example.org', 'server=ns1.example.org'],
    ['reverse_proxy 127.0.0.1:8080', 'reverse_proxy 127.0.0.1:8080'],
  ];
  for (const [line, masked] of cases) {
    it(`masks ${JSON.stringify(line)}`, () => assert.equal(maskLine(line), masked));
  }
});

describe('maskSecrets', () => {
  it('replaces known secret values wherever they appear, longest first, but not short common strings', () => {
    const text = 'header hunter2-long\nlog: hunter2 appears\nab ab';
    assert.equal(maskSecrets(text, ['hunter2', 'hunter2-long', 'ab']), `header ${MASK}\nlog: ${MASK} appears\nab ab`);
  });
});

describe('secretValuesIn', () => {
  it('finds the values of secret keys in ddclient, YAML, JSON and Caddyfile text', () => {
    const text = "login=me, password='p w'\ntoken: t0k3n\n\"api_key\": \"k3y\"\n\tapi_token abc\nserver=x\n";
    assert.deepEqual(secretValuesIn(text), ['p w', 't0k3n', 'k3y', 'abc']);
  });
});

describe('isCredentialChange', () => {
  const set = (values: Record<string, unknown>): ConfigEdit => ({ path: '/f', format: 'yaml', change: { kind: 'set', values: values as never } });
  const replace: ConfigEdit = { path: '/f', format: 'text', change: { kind: 'replace_text', old: 'a', new: 'b' } };

  it('is true for a secret key, a secret file, or a diff line assigning a secret', () => {
    assert.equal(isCredentialChange(set({ 'auth.password': 'x' }), ''), true);
    assert.equal(isCredentialChange(set({ login: { secretFile: 'login' } }), ''), true);
    assert.equal(isCredentialChange(replace, '--- /f\n+++ /f\n@@ -1,1 +1,1 @@\n-password=a\n+password=b\n'), true);
  });

  it('is false for other keys and other lines, and ignores the diff header', () => {
    assert.equal(isCredentialChange(set({ 'server.port': 8080 }), ''), false);
    assert.equal(isCredentialChange(replace, '--- /etc/token x\n+++ /etc/token x\n@@ -1,1 +1,1 @@\n-port 1\n+port 2\n'), false);
  });
});
