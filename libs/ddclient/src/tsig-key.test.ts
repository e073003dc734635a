import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readTsigKey, tsigSecretOf } from './tsig-key.js';

const SECRET = 'aLoK+LAyelb6gDQRkzQNYqTDLd6aA57mDjjZcoVSPWM=';

describe('readTsigKey', () => {
  it("reads tsig-keygen's output without its secret", () => {
    const text = `key "lab-key" {\n\talgorithm hmac-sha256;\n\tsecret "${SECRET}";\n};\n`;
    assert.deepEqual(readTsigKey(text), { kind: 'key', key: { name: 'lab-key', algorithm: 'hmac-sha256' } });
    assert.equal(tsigSecretOf(text), SECRET);
  });

  it('accepts comments and an unquoted name', () => {
    assert.equal(readTsigKey(`// made by hand\nkey lab.key { algorithm HMAC-SHA512; secret "${SECRET}"; }; # end`).kind, 'key');
  });

  it('reads a secret holding "//" (about 1% of tsig-keygen keys), which is no comment inside quotes', () => {
    const slashes = 'mUnuPtAcJWYQUZdD//vphoLEPvi5D7NVI4uY5oXta7w=';
    const text = `key "lab-key" { // the lab's key\n\talgorithm hmac-sha256;\n\tsecret "${slashes}"; /* rotated yearly */\n};\n`;
    assert.deepEqual(readTsigKey(text), { kind: 'key', key: { name: 'lab-key', algorithm: 'hmac-sha256' } });
    assert.equal(tsigSecretOf(text), slashes);
  });

  const broken: Array<[string, string, RegExp]> = [
    ['no key clause', 'secret "x";', /not one key clause/],
    ['two key clauses', `key a { algorithm hmac-sha256; secret "${SECRET}"; };\nkey b { algorithm hmac-sha256; secret "${SECRET}"; };`, /not one key clause/],
    ['no algorithm', `key a { secret "${SECRET}"; };`, /key a has no algorithm statement/],
    ['no secret', 'key a { algorithm hmac-sha256; };', /key a has no quoted secret statement/],
    ['an unquoted secret', `key a { algorithm hmac-sha256; secret ${SECRET}; };`, /key a has no quoted secret statement/],
    ['an empty secret', 'key a { algorithm hmac-sha256; secret ""; };', /is not base64/],
    ['a stray statement', `key a { algorithm hmac-sha256; secret "${SECRET}"; include "/etc/passwd"; };`, /a statement other than algorithm and secret/],
  ];
  for (const [name, text, expected] of broken) {
    it(`refuses ${name}, without quoting the file`, () => {
      const reading = readTsigKey(text);
      assert.equal(reading.kind, 'invalid');
      assert.match(reading.kind === 'invalid' ? reading.reason : '', expected);
      assert.ok(reading.kind === 'invalid' && !reading.reason.includes(SECRET.slice(0, 8)));
    });
  }
});
