import { approvalDigest, createEvent, newId, type ConfigEditSpec, type JarvisEvent, type TargetRef } from '@jarvis/contracts';

/** A case in which the executor started one config-changing action: the events an apply request is judged by. */
export type StartedEdit = { caseId: string; actionId: string; decisionId: string; action: string; target: TargetRef; edit: ConfigEditSpec; events: JarvisEvent[] };

const TARGET: TargetRef = { kind: 'container', id: 'edge' };

/** The executor's ActionStarted (and its decision) for `edit`, optionally citing a grant. */
export function startedEdit(edit: ConfigEditSpec, options: { action?: string; approvalId?: string; caseId?: string } = {}): StartedEdit {
  const caseId = options.caseId ?? newId();
  const action = options.action ?? 'edit_config';
  const decisionId = newId();
  const actionId = newId();
  const params = { ...edit };
  const now = new Date().toISOString();
  const decision = createEvent({
    id: decisionId,
    type: 'RemediationDecided',
    source: 'policy',
    time: now,
    subject: 'container:edge',
    correlationId: caseId,
    causationId: null,
    data: { target: TARGET, action, params, risk: 'high', outcome: 'execute', rule: 'approval_granted', reason: 'test', attempt: 1, notBefore: now, ...(options.approvalId ? { approvalId: options.approvalId } : {}) },
  });
  const started = createEvent({
    id: actionId,
    type: 'ActionStarted',
    source: 'executor',
    time: now,
    subject: 'container:edge',
    correlationId: caseId,
    causationId: decisionId,
    data: { target: TARGET, decisionId, action, attempt: 1, params },
  });
  return { caseId, actionId, decisionId, action, target: TARGET, edit, events: [decision, started] };
}

/** A pending approval request for `edit` in `caseId` and a person's grant of it, naming its digest. */
export function grantedApproval(caseId: string, edit: ConfigEditSpec, options: { action?: string; digestOf?: ConfigEditSpec; expiresInMs?: number } = {}): { grantId: string; events: JarvisEvent[] } {
  const action = options.action ?? 'edit_config';
  const digest = approvalDigest({ action, target: TARGET, params: { ...(options.digestOf ?? edit) } });
  const requestId = newId();
  const grantId = newId();
  const now = new Date();
  const request = createEvent({
    id: requestId,
    type: 'ApprovalRequested',
    source: 'policy',
    time: now.toISOString(),
    subject: 'container:edge',
    correlationId: caseId,
    causationId: null,
    data: { target: TARGET, action, params: { ...edit }, risk: 'high', decisionId: newId(), digest, expiresAt: new Date(now.getTime() + (options.expiresInMs ?? 600_000)).toISOString(), reason: 'a credential change' },
  });
  const grant = createEvent({
    id: grantId,
    type: 'ApprovalGranted',
    source: 'gateway',
    time: now.toISOString(),
    subject: 'container:edge',
    correlationId: caseId,
    causationId: requestId,
    data: { target: TARGET, requestId, digest, by: 'tester' },
  });
  return { grantId, events: [request, grant] };
}
