import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseExpectedStatus } from '@jarvis/config';
import { judgeAnswer, type AnswerExpectations, type AnswerVerdict, type HttpAnswer } from './judge-answer.js';

const EXPECT: AnswerExpectations = { status: parseExpectedStatus(['200-399']), maxLatencyMs: 1000 };
const ANSWER: HttpAnswer = { status: 200, latencyMs: 12, body: Buffer.from('{"status":"up","checks":{"db":{"state":"ready"}},"items":[{"ok":true}]}'), truncated: false };

const TABLE: Array<[string, Partial<AnswerExpectations>, Partial<HttpAnswer>, AnswerVerdict]> = [
  ['a 200 in time', {}, {}, { ok: true, reason: 'HTTP 200 in 12 ms' }],
  ['a redirect under the default', {}, { status: 302 }, { ok: true, reason: 'HTTP 302 in 12 ms' }],
  ['a 503', {}, { status: 503 }, { ok: false, failure: 'status', reason: 'HTTP 503 (expected 200-399)' }],
  ['a 200 where only 204 will do', { status: parseExpectedStatus([204]) }, {}, { ok: false, failure: 'status', reason: 'HTTP 200 (expected 204)' }],
  ['a slow 503, which is a 503 first', {}, { status: 503, latencyMs: 2300 }, { ok: false, failure: 'status', reason: 'HTTP 503 (expected 200-399)' }],
  ['a slow 200', {}, { latencyMs: 2300 }, { ok: false, failure: 'latency', reason: 'latency 2300 ms over the 1000 ms limit' }],
  ['a 200 exactly at the limit', {}, { latencyMs: 1000 }, { ok: true, reason: 'HTTP 200 in 1000 ms' }],
  ['a body with the keyword', { bodyContains: 'ready' }, {}, { ok: true, reason: 'HTTP 200 in 12 ms' }],
  ['a body without the keyword', { bodyContains: 'healthy' }, {}, { ok: false, failure: 'body', reason: 'body lacks "healthy"' }],
  ['a cut body without the keyword', { bodyContains: 'healthy' }, { truncated: true }, { ok: false, failure: 'body', reason: `body lacks "healthy" in its first ${ANSWER.body.length} bytes` }],
  ['a JSON field that equals', { jsonField: { path: 'checks.db.state', equals: 'ready' } }, {}, { ok: true, reason: 'HTTP 200 in 12 ms' }],
  ['a JSON field in an array', { jsonField: { path: 'items.0.ok', equals: true } }, {}, { ok: true, reason: 'HTTP 200 in 12 ms' }],
  ['a JSON field that differs', { jsonField: { path: 'status', equals: 'down' } }, {}, { ok: false, failure: 'json', reason: 'JSON field status is "up", expected "down"' }],
  ['a JSON field of another type', { jsonField: { path: 'items.0.ok', equals: 'true' } }, {}, { ok: false, failure: 'json', reason: 'JSON field items.0.ok is true, expected "true"' }],
  ['a JSON field that is an object', { jsonField: { path: 'checks', equals: 'ok' } }, {}, { ok: false, failure: 'json', reason: 'JSON field checks is an object, expected "ok"' }],
  ['a missing JSON field', { jsonField: { path: 'checks.cache.state', equals: 'ready' } }, {}, { ok: false, failure: 'json', reason: 'JSON field checks.cache.state missing' }],
  ['a JSON path into the prototype', { jsonField: { path: 'status.length', equals: 2 } }, {}, { ok: false, failure: 'json', reason: 'JSON field status.length missing' }],
  ['a JSON path naming __proto__', { jsonField: { path: '__proto__', equals: null } }, {}, { ok: false, failure: 'json', reason: 'JSON field __proto__ missing' }],
  ['a body that is no JSON', { jsonField: { path: 'status', equals: 'up' } }, { body: Buffer.from('<html>up</html>') }, { ok: false, failure: 'json', reason: 'body is not JSON: JSON field status not read' }],
  ['a cut JSON body', { jsonField: { path: 'status', equals: 'up' } }, { truncated: true }, { ok: false, failure: 'json', reason: `body over ${ANSWER.body.length} bytes: JSON field status not read` }],
];

describe('judgeAnswer', () => {
  for (const [what, expected, answer, verdict] of TABLE) {
    it(what, () => assert.deepEqual(judgeAnswer({ ...EXPECT, ...expected }, { ...ANSWER, ...answer }), verdict));
  }
});
