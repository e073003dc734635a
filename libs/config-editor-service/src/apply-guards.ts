import { approvalDigest, targetKey, type ConfigApplyRequest } from '@jarvis/contracts';
import type { EditorState } from './editor-state.js';

/**
 * Why the log does not back this request, or undefined when it does: any NATS client can ask, so an edit is applied
 * only for an action the executor started, in this case, on this target, whose params are exactly this edit.
 */
export function untrustedAction(state: EditorState, request: ConfigApplyRequest): string | undefined {
  const started = state.actions.get(request.actionId);
  if (!started) return `no started action ${request.actionId} is recorded`;
  if (started.caseId !== request.caseId) return `action ${request.actionId} belongs to case ${started.caseId}, not ${request.caseId}`;
  if (started.action !== request.action || targetKey(started.target) !== targetKey(request.target)) {
    return `action ${request.actionId} is ${started.action} on ${targetKey(started.target)}, not ${request.action} on ${targetKey(request.target)}`;
  }
  if (editDigest(request) !== approvalDigest({ action: started.action, target: started.target, params: started.params })) {
    return `action ${request.actionId} was started with other params than this edit`;
  }
  return undefined;
}

/**
 * Why a credential change may not go ahead, or undefined when a person approved exactly it: the request cites a
 * grant recorded in this case, which the executed decision cited too, given before its request expired, naming the
 * digest of this action, target and edit, and used by no other edit.
 */
export function missingApproval(state: EditorState, request: ConfigApplyRequest): string | undefined {
  const grantId = request.approvalId;
  if (!grantId) return 'a credential change needs an approval and the request cites none';
  const grant = state.grants.get(grantId);
  if (!grant || grant.caseId !== request.caseId) return `no grant ${grantId} is recorded in case ${request.caseId}`;
  const started = state.actions.get(request.actionId);
  if (!started || state.decisionGrants.get(started.decisionId)?.grantId !== grantId) return `the decision behind action ${request.actionId} does not cite grant ${grantId}`;
  const approvalRequest = state.requests.get(grant.requestId);
  if (!approvalRequest || approvalRequest.caseId !== request.caseId) return `grant ${grantId} answers no approval request of this case`;
  const digest = editDigest(request);
  if (grant.digest !== digest || approvalRequest.digest !== digest) return `grant ${grantId} approved something else than this edit (digest mismatch)`;
  if (Date.parse(grant.time) > Date.parse(approvalRequest.expiresAt)) return `grant ${grantId} came after its request expired at ${approvalRequest.expiresAt}`;
  const usedBy = state.grantUsedBy.get(grantId);
  if (usedBy !== undefined && usedBy !== request.actionId) return `grant ${grantId} was already used by action ${usedBy}: a grant allows one edit`;
  return undefined;
}

/** The approval digest of a config-changing action: its params are the edit itself. */
export function editDigest(request: Pick<ConfigApplyRequest, 'action' | 'target' | 'edit'>): string {
  const { path, format, change } = request.edit;
  return approvalDigest({ action: request.action, target: request.target, params: { path, format, change } });
}
