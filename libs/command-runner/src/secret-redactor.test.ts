import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SecretRedactor } from './secret-redactor.js';

const SECRET = 'c4n4ry/s3cr+t=?&';

describe('SecretRedactor', () => {
  const redactor = new SecretRedactor([SECRET, '']);

  it('replaces the secret and its base64, base64url, URL and hex encodings', () => {
    const b64 = Buffer.from(SECRET).toString('base64');
    const forms = [SECRET, b64, b64.replace(/=+$/, ''), Buffer.from(SECRET).toString('base64url'), encodeURIComponent(SECRET), new URLSearchParams({ s: SECRET }).toString().slice(2), Buffer.from(SECRET).toString('hex')];
    for (const form of forms) {
      const out = redactor.redact(`before ${form} after`);
      assert.equal(out, 'before *** after', form);
    }
  });

  it('ignores an empty secret instead of redacting between every character', () => {
    assert.equal(redactor.redact('plain text'), 'plain text');
  });

  it('drops a tail that could be the start of a cut-off secret, and keeps other text', () => {
    assert.equal(redactor.trimPartialSecret('log line c4n4ry/s3'), 'log line ');
    assert.equal(redactor.trimPartialSecret('log line done'), 'log line done');
  });
});
