import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createEvent, type ConfigEditSpec, type JarvisEventOf } from '@jarvis/contracts';
import { ApprovalDiffs } from './approval-diffs.js';

const EDIT = { path: '/etc/ddclient.conf', format: 'ddclient', change: { kind: 'restore_known_good', knownGood: 'a.good', keys: ['password'] } };

function request(action: string, params: object): JarvisEventOf<'ApprovalRequested'> {
  return createEvent({
    id: '0b7f3c2a-0000-4000-8000-000000000001',
    type: 'ApprovalRequested',
    source: 'policy',
    time: '2025-03-01T12:00:00.000Z',
    subject: 'ddclient:lab',
    correlationId: '0b7f3c2a-0000-4000-8000-000000000002',
    causationId: '0b7f3c2a-0000-4000-8000-000000000003',
    data: { target: { kind: 'ddclient', id: 'lab' }, decisionId: '0b7f3c2a-0000-4000-8000-000000000003', action, params: { ...params }, risk: 'high', digest: 'a'.repeat(64), expiresAt: '2025-03-01T13:00:00.000Z', reason: 'high risk' },
  });
}

describe('ApprovalDiffs: the approval request of a config edit carries its masked diff', () => {
  const asked: ConfigEditSpec[] = [];
  const diffs = new ApprovalDiffs(
    (action) => action === 'restore',
    async (edit) => {
      asked.push(edit);
      return '-password=********\n+password=********';
    },
  );

  it('given a config-editing action, then the preview of exactly its params is the diff; the rest of the event is unchanged', async () => {
    const original = request('restore', EDIT);
    const withDiff = await diffs.withDiff(original);
    assert.deepEqual(asked.at(-1), EDIT);
    assert.equal(withDiff.type === 'ApprovalRequested' && withDiff.data.diff, '-password=********\n+password=********');
    assert.deepEqual({ ...withDiff, data: { ...withDiff.data, diff: undefined } }, { ...original, data: { ...original.data, diff: undefined } });
  });

  it('given another action, then the request is left as it is and nothing is previewed', async () => {
    const before = asked.length;
    const original = request('restart_container', {});
    assert.equal(await diffs.withDiff(original), original);
    assert.equal(asked.length, before);
  });

  it('given a preview that fails, then the request still goes out, saying why it has no diff', async () => {
    const failing = new ApprovalDiffs(() => true, () => Promise.reject(new Error('jarvis.rpc.config-editor.preview: timed out')));
    const withDiff = await failing.withDiff(request('restore', EDIT));
    assert.equal(withDiff.type === 'ApprovalRequested' && withDiff.data.diff, '(no preview from the config editor: jarvis.rpc.config-editor.preview: timed out)');
  });
});
