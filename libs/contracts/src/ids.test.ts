import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { derivedId, newId } from './ids.js';

const UUID_V8 = /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('derivedId', () => {
  it('is deterministic', () => {
    assert.equal(derivedId('RemediationDecided', 'abc'), derivedId('RemediationDecided', 'abc'));
  });

  it('is stable across releases (ids already stored in the log must keep matching)', () => {
    assert.equal(derivedId('x', 'y'), 'ce3890a8-16f5-837a-97aa-7e1436113bba');
  });

  it('has the UUID v8 layout with the RFC 4122 variant', () => {
    for (const parts of [['a'], ['RemediationDecided', 'e0c1'], [''], ['x'.repeat(10_000)]]) {
      assert.match(derivedId(...parts), UUID_V8, parts.join(','));
    }
  });

  it('differs for different inputs, part order and part boundaries', () => {
    const ids = [
      derivedId('a'),
      derivedId('b'),
      derivedId('a', 'b'),
      derivedId('b', 'a'),
      derivedId('ab'),
      derivedId('RemediationDecided', 'trigger-1'),
      derivedId('IncidentEscalated', 'trigger-1'),
      derivedId('RemediationDecided', 'trigger-2'),
    ];
    assert.equal(new Set(ids).size, ids.length);
  });
});

describe('newId', () => {
  it('is a random v4 UUID', () => {
    const a = newId();
    const b = newId();
    assert.match(a, UUID_V4);
    assert.notEqual(a, b);
  });
});
