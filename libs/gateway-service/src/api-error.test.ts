import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rpcError } from '@jarvis/contracts';
import { ApiError, apiErrorBody, codeOfStatus } from './api-error.js';

describe('ApiError', () => {
  it('maps each RPC error code to its HTTP status, keeping the code, message and fields', () => {
    const cases = [
      ['invalid_request', 400],
      ['not_found', 404],
      ['unavailable', 503],
      ['internal', 500],
    ] as const;
    for (const [code, status] of cases) {
      const error = ApiError.fromRpc(rpcError(code, `because ${code}`, [{ field: 'id', reason: 'r' }]));
      assert.equal(error.getStatus(), status, code);
      assert.deepEqual(error.body, { error: { status, code, message: `because ${code}`, fields: [{ field: 'id', reason: 'r' }] } });
    }
  });

  it('names each HTTP status with a code, unknown ones by their class', () => {
    assert.deepEqual(
      [400, 401, 403, 404, 405, 409, 413, 415, 429, 503, 418, 500, 502].map(codeOfStatus),
      ['invalid_request', 'unauthorized', 'forbidden', 'not_found', 'method_not_allowed', 'conflict', 'payload_too_large', 'unsupported_media_type', 'too_many_requests', 'unavailable', 'invalid_request', 'internal', 'internal'],
    );
    assert.deepEqual(apiErrorBody(404, 'Cannot GET /x'), { error: { status: 404, code: 'not_found', message: 'Cannot GET /x', fields: [] } });
  });
});
