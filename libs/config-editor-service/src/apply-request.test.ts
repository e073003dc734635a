import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newId } from '@jarvis/contracts';
import { parseApplyRequest } from './apply-request.js';

const valid = { actionId: newId(), caseId: newId(), target: { kind: 'container', id: 'edge' }, action: 'fix_ddclient', edit: { path: '/etc/ddclient.conf', format: 'ddclient', change: { kind: 'set', values: { daemon: 300 } } } };

describe('parseApplyRequest', () => {
  it('reads a well-formed request', () => {
    const parsed = parseApplyRequest(valid);
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.request.edit, valid.edit);
  });

  it('names every bad field at once', () => {
    const parsed = parseApplyRequest({ ...valid, actionId: 'x', target: { kind: 'container', id: '../etc' }, approvalId: 42, edit: { path: '', format: 'caddyfile', change: { kind: 'set', values: { a: 1 } } } });
    assert.ok(!parsed.ok);
    assert.deepEqual(parsed.problems.map((p) => p.field).sort(), ['actionId', 'approvalId', 'edit.change.kind', 'edit.path', 'target.id']);
  });

  it('refuses values that are neither scalars nor a plain secret reference', () => {
    for (const value of [{ secretFile: '../shadow' }, { secretFile: 'x', extra: 1 }, ['a'], 'two\nlines', Number.NaN]) {
      const parsed = parseApplyRequest({ ...valid, edit: { ...valid.edit, change: { kind: 'set', values: { password: value } } } });
      assert.ok(!parsed.ok, JSON.stringify(value));
      assert.equal(parsed.problems[0]!.field, 'edit.change.values.password');
    }
  });
});
