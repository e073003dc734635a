import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isRpcError, RPC, rpcError } from './rpc.js';

describe('rpcError', () => {
  it('builds the error a service throws across the RPC boundary, recognised by its shape', () => {
    const error = rpcError('not_found', 'no incident x', [{ field: 'id', reason: 'no incident has this id' }]);
    assert.deepEqual(error, { code: 'not_found', message: 'no incident x', fields: [{ field: 'id', reason: 'no incident has this id' }] });
    assert.equal(isRpcError(error), true);
    assert.equal(isRpcError(JSON.parse(JSON.stringify(rpcError('unavailable', 'later')))), true, 'survives the JSON of a NATS reply');
  });

  it('does not take other errors for one', () => {
    for (const value of [
      null,
      'not_found',
      new Error('no incident x'),
      { status: 404, message: 'id: no incident x' },
      { code: 'gone', message: 'x', fields: [] },
      { code: 'not_found', message: 3, fields: [] },
      { code: 'not_found', message: 'x' },
      { code: 'not_found', message: 'x', fields: [{ field: 'id' }] },
    ]) {
      assert.equal(isRpcError(value), false, JSON.stringify(value));
    }
  });
});

describe('RPC', () => {
  it('names a health subject per service', () => {
    assert.equal(RPC.health('audit'), 'jarvis.rpc.audit.health');
  });
});
