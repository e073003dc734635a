import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeEvent, derivedId, encodeEvent, type ApprovalView } from '@jarvis/contracts';
import { ApiTokenHash } from '@jarvis/service-kit';
import { grantFor, rejectionFor, unauthenticatedRefusal } from './approval-answers.js';
import { bearerProblem } from './bearer-token.guard.js';

const REQUEST: ApprovalView = {
  id: '6f1c1e0a-3a53-4b8e-9a57-1f4f6a1d2c3b',
  caseId: '0c5a7a58-7d0e-4c5e-8a61-2b6f9d3e4a1c',
  target: 'container:web',
  action: 'restart_container',
  params: {},
  risk: 'medium',
  digest: 'cd'.repeat(32),
  reason: 'exited with code 1',
  requestedAt: '2026-11-29T00:00:00.000Z',
  expiresAt: '2026-11-29T01:00:00.000Z',
};
const NOW = new Date('2026-11-29T00:10:30.000Z');
const GRANT_ID = '9d3a2b1c-4e5f-4a6b-8c7d-0e1f2a3b4c5d';

describe('answers to an approval request', () => {
  it('a grant names the request, its digest and who, in the request’s case, from the gateway, and is a valid event', () => {
    const grant = grantFor(REQUEST, 'alice', GRANT_ID, NOW);
    assert.deepEqual({ ...grant, data: { ...grant.data, target: { ...grant.data.target } } }, {
      id: GRANT_ID,
      type: 'ApprovalGranted',
      version: grant.version,
      source: 'gateway',
      time: NOW.toISOString(),
      subject: 'container:web',
      correlationId: REQUEST.caseId,
      causationId: REQUEST.id,
      data: { target: { kind: 'container', id: 'web' }, requestId: REQUEST.id, digest: REQUEST.digest, by: 'alice' },
    });
    assert.equal(decodeEvent(encodeEvent(grant)).ok, true);
  });

  it('a rejection names who and why', () => {
    const rejection = rejectionFor(REQUEST, 'bob', 'not during office hours', GRANT_ID, NOW);
    assert.deepEqual({ type: rejection.type, correlationId: rejection.correlationId, requestId: rejection.data.requestId, by: rejection.data.by, reason: rejection.data.reason }, {
      type: 'ApprovalRejected',
      correlationId: REQUEST.caseId,
      requestId: REQUEST.id,
      by: 'bob',
      reason: 'not during office hours',
    });
    assert.equal(decodeEvent(encodeEvent(rejection)).ok, true);
  });

  it('an unauthenticated answer is one refusal per request and minute: same minute, same id; next minute, a new one', () => {
    const first = unauthenticatedRefusal(REQUEST, 'no API token', NOW);
    const sameMinute = unauthenticatedRefusal(REQUEST, 'wrong API token', new Date('2026-11-29T00:10:59.999Z'));
    const nextMinute = unauthenticatedRefusal(REQUEST, 'wrong API token', new Date('2026-11-29T00:11:00.000Z'));
    assert.equal(first.id, derivedId('ApprovalRefused', 'unauthenticated', REQUEST.id, '2026-11-29T00:10'));
    assert.equal(sameMinute.id, first.id);
    assert.notEqual(nextMinute.id, first.id);
    assert.equal(unauthenticatedRefusal({ ...REQUEST, id: GRANT_ID }, 'no API token', NOW).id === first.id, false, 'another request, another id');
    assert.deepEqual({ ...first.data, target: undefined }, { target: undefined, requestId: REQUEST.id, refusal: 'unauthenticated', reason: 'no API token' });
    assert.equal(decodeEvent(encodeEvent(first)).ok, true);
  });
});

describe('bearerProblem', () => {
  const hash = ApiTokenHash.ofToken('tok-123');

  it('accepts only "Bearer <the token>" and says what is wrong otherwise', () => {
    assert.equal(bearerProblem('Bearer tok-123', hash), null);
    assert.equal(bearerProblem('bearer tok-123', hash), null);
    assert.equal(bearerProblem(undefined, hash), 'no API token');
    assert.equal(bearerProblem('Bearer tok-124', hash), 'wrong API token');
    assert.equal(bearerProblem('Bearer ', hash), 'the Authorization header is not a bearer token');
    assert.equal(bearerProblem('Basic dG9rLTEyMw==', hash), 'the Authorization header is not a bearer token');
    assert.equal(bearerProblem('tok-123', hash), 'the Authorization header is not a bearer token');
    assert.equal(bearerProblem(['Bearer tok-123', 'Bearer tok-123'], hash), 'the Authorization header is not a bearer token');
  });
});
