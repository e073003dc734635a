import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rootCertificates } from 'node:tls';
import { trustContextFor } from './trust-context.js';

describe('trustContextFor', () => {
  const [first = '', second = ''] = rootCertificates;

  it('parses a bundle once and hands back the same context for it', () => {
    assert.equal(trustContextFor(first), trustContextFor(first));
  });

  it('keeps bundles apart', () => {
    assert.notEqual(trustContextFor(first), trustContextFor(second));
  });
});
