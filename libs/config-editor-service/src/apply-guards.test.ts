import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createEvent, newId, type ConfigApplyRequest, type JarvisEvent, type TargetRef } from '@jarvis/contracts';
import { editDigest, missingApproval, untrustedAction } from './apply-guards.js';
import { evolveEditorState, initialEditorState, type EditorState } from './editor-state.js';

const target: TargetRef = { kind: 'container', id: 'edge' };
const edit = { path: '/etc/ddclient.conf', format: 'ddclient' as const, change: { kind: 'set', values: { password: { secretFile: 'pw' } } } };
const at = '2026-11-29T02:00:00.000Z';

function event(type: JarvisEvent['type'], id: string, caseId: string, data: Record<string, unknown>, time = at): JarvisEvent {
  return createEvent({ id, type, source: 'executor', time, subject: 'container:edge', correlationId: caseId, causationId: null, data: { target, ...data } } as never);
}

type Scenario = { state: EditorState; request: ConfigApplyRequest };

/** A case with an approval request, its grant, the decision citing the grant and the started action. */
function approvedCase(tweak: { grantDigest?: string; grantTime?: string; params?: Record<string, unknown> } = {}): Scenario {
  const caseId = newId();
  const [requestId, grantId, decisionId, actionId] = [newId(), newId(), newId(), newId()];
  const digest = editDigest({ action: 'fix_ddclient', target, edit });
  const params = tweak.params ?? { ...edit };
  const events = [
    event('ApprovalRequested', requestId, caseId, { action: 'fix_ddclient', params, risk: 'high', decisionId: newId(), digest, expiresAt: '2026-11-29T02:10:00.000Z', reason: 'credential' }),
    event('ApprovalGranted', grantId, caseId, { requestId, digest: tweak.grantDigest ?? digest, by: 'ops' }, tweak.grantTime ?? at),
    event('RemediationDecided', decisionId, caseId, { action: 'fix_ddclient', params, risk: 'high', outcome: 'execute', rule: 'approval_granted', reason: 'approved', attempt: 1, notBefore: at, approvalId: grantId }),
    event('ActionStarted', actionId, caseId, { decisionId, action: 'fix_ddclient', attempt: 1, params }),
  ];
  const state = events.reduce(evolveEditorState, initialEditorState());
  return { state, request: { actionId, caseId, target, action: 'fix_ddclient', edit, approvalId: grantId } };
}

describe('untrustedAction', () => {
  it('trusts a started action whose params are exactly the edit', () => {
    const { state, request } = approvedCase();
    assert.equal(untrustedAction(state, request), undefined);
  });

  it('refuses an unknown action, another case, another action or target, and other params', () => {
    const { state, request } = approvedCase();
    assert.match(untrustedAction(state, { ...request, actionId: newId() }) ?? '', /no started action/u);
    assert.match(untrustedAction(state, { ...request, caseId: newId() }) ?? '', /belongs to case/u);
    assert.match(untrustedAction(state, { ...request, action: 'other' }) ?? '', /is fix_ddclient on container:edge/u);
    assert.match(untrustedAction(state, { ...request, target: { kind: 'container', id: 'other' } }) ?? '', /not fix_ddclient on container:other/u);
    assert.match(untrustedAction(state, { ...request, edit: { ...edit, path: '/etc/other.conf' } }) ?? '', /other params/u);
  });
});

describe('missingApproval', () => {
  it('accepts the grant the decision cited, for this very edit, once', () => {
    const { state, request } = approvedCase();
    assert.equal(missingApproval(state, request), undefined);
  });

  it('refuses no grant, an unknown grant, a digest mismatch, a late grant, and a grant used by another edit', () => {
    const { state, request } = approvedCase();
    assert.match(missingApproval(state, { ...request, approvalId: undefined as never }) ?? '', /cites none/u);
    assert.match(missingApproval(state, { ...request, approvalId: newId() }) ?? '', /no grant/u);
    const other = approvedCase({ grantDigest: 'a'.repeat(64) });
    assert.match(missingApproval(other.state, other.request) ?? '', /digest mismatch/u);
    const late = approvedCase({ grantTime: '2026-11-29T02:30:00.000Z' });
    assert.match(missingApproval(late.state, late.request) ?? '', /after its request expired/u);
    const used = evolveEditorState(
      state,
      createEvent({ id: newId(), type: 'ConfigEditProposed', source: 'config-editor', time: at, subject: 'container:edge', correlationId: request.caseId, causationId: null, data: { target, actionId: newId(), path: edit.path, format: 'ddclient', diff: '', needsApproval: true, approvalId: request.approvalId! } }),
    );
    assert.match(missingApproval(used, request) ?? '', /already used/u);
  });

  it('forgets a closed case: a late request for its action is not trusted', () => {
    const { state, request } = approvedCase();
    const closed = evolveEditorState(state, createEvent({ id: newId(), type: 'IncidentResolved', source: 'monitor', time: at, subject: 'container:edge', correlationId: request.caseId, causationId: null, data: { target, resolution: 'remediated', reason: 'fixed' } }));
    assert.match(untrustedAction(closed, request) ?? '', /no started action/u);
    assert.equal(closed.grants.size, 0);
  });
});
