import { assertNever, targetKey, type ActionParams, type ConfigApplyOutcome, type ConfigEditFormat, type JarvisEvent, type TargetRef } from '@jarvis/contracts';

/** An action the executor started: the only thing the editor applies an edit for. */
export type StartedAction = { caseId: string; action: string; target: TargetRef; params: ActionParams; decisionId: string };

export type RecordedRequest = { caseId: string; digest: string; expiresAt: string };
export type RecordedGrant = { caseId: string; requestId: string; digest: string; time: string };

/** How far one action's edit got, as its events say: enough to answer a repeat and to recover after a crash. */
export type EditRecord = {
  actionId: string;
  caseId: string;
  target: TargetRef;
  path: string;
  format: ConfigEditFormat;
  diff: string;
  needsApproval: boolean;
  approvalId?: string;
  backupPath?: string;
  afterDigest?: string;
  outcome?: { outcome: ConfigApplyOutcome; reason: string };
};

export type EditorState = {
  actions: Map<string, StartedAction>;
  /** Decision id to the grant it cites, for execute decisions that cite one. */
  decisionGrants: Map<string, { grantId: string; caseId: string }>;
  requests: Map<string, RecordedRequest>;
  grants: Map<string, RecordedGrant>;
  /** A grant allows one edit: the action that used it. */
  grantUsedBy: Map<string, string>;
  edits: Map<string, EditRecord>;
  openCases: Set<string>;
  /** Target key to its file's newest known-good copy, as recorded. */
  knownGood: Map<string, { path: string; knownGood: string }>;
};

export function initialEditorState(): EditorState {
  return { actions: new Map(), decisionGrants: new Map(), requests: new Map(), grants: new Map(), grantUsedBy: new Map(), edits: new Map(), openCases: new Set(), knownGood: new Map() };
}

/** Folds one event into the editor's state in place. Pure apart from that: no clock, no I/O. */
export function evolveEditorState(state: EditorState, event: JarvisEvent): EditorState {
  switch (event.type) {
    case 'IncidentOpened':
    case 'MaintenanceStarted':
      state.openCases.add(event.correlationId);
      return state;
    case 'IncidentResolved':
    case 'MaintenanceFinished':
      forgetCase(state, event.correlationId);
      return state;
    case 'RemediationDecided':
      if (event.data.approvalId) state.decisionGrants.set(event.id, { grantId: event.data.approvalId, caseId: event.correlationId });
      return state;
    case 'ActionStarted':
      state.actions.set(event.id, { caseId: event.correlationId, action: event.data.action, target: event.data.target, params: event.data.params, decisionId: event.data.decisionId });
      return state;
    case 'ApprovalRequested':
      state.requests.set(event.id, { caseId: event.correlationId, digest: event.data.digest, expiresAt: event.data.expiresAt });
      return state;
    case 'ApprovalGranted':
      state.grants.set(event.id, { caseId: event.correlationId, requestId: event.data.requestId, digest: event.data.digest, time: event.time });
      return state;
    case 'ConfigEditProposed':
      state.edits.set(event.data.actionId, {
        actionId: event.data.actionId,
        caseId: event.correlationId,
        target: event.data.target,
        path: event.data.path,
        format: event.data.format,
        diff: event.data.diff,
        needsApproval: event.data.needsApproval,
        ...(event.data.approvalId ? { approvalId: event.data.approvalId } : {}),
      });
      if (event.data.approvalId) state.grantUsedBy.set(event.data.approvalId, event.data.actionId);
      return state;
    case 'ConfigBackedUp':
      withEdit(state, event.data.actionId, (edit) => Object.assign(edit, { backupPath: event.data.backupPath, afterDigest: event.data.afterDigest }));
      return state;
    case 'ConfigApplied':
      withEdit(state, event.data.actionId, (edit) => (edit.outcome = { outcome: 'applied', reason: `applied; health: ${event.data.health}` }));
      return state;
    case 'ConfigRolledBack':
      withEdit(state, event.data.actionId, (edit) => (edit.outcome = { outcome: 'rolled_back', reason: event.data.reason }));
      return state;
    case 'ConfigEditFailed':
      recordFailure(state, event);
      return state;
    case 'ConfigKnownGoodRecorded':
      state.knownGood.set(targetKey(event.data.target), { path: event.data.path, knownGood: event.data.knownGood });
      return state;
    case 'DetectionRecorded':
    case 'ActionSucceeded':
    case 'ActionFailed':
    case 'ActionRefused':
    case 'DecisionSuperseded':
    case 'VerificationPassed':
    case 'VerificationFailed':
    case 'IncidentEscalated':
    case 'ApprovalRejected':
    case 'ApprovalExpired':
    case 'ApprovalRefused':
    case 'ConfigValidated':
    case 'ConsequenceLinked':
    case 'ConsequenceRecovered':
    case 'CheckConfirmed':
      return state;
    default:
      return assertNever(event);
  }
}

/** A failure before the proposal (a refused path) has no record yet: it gets one, so a repeat answers the same. */
function recordFailure(state: EditorState, event: Extract<JarvisEvent, { type: 'ConfigEditFailed' }>): void {
  const outcome: ConfigApplyOutcome = event.data.stage === 'approval' || event.data.stage === 'path' ? 'refused' : 'failed';
  const existing = state.edits.get(event.data.actionId);
  const record = existing ?? { actionId: event.data.actionId, caseId: event.correlationId, target: event.data.target, path: event.data.path, format: 'text', diff: '', needsApproval: false };
  record.outcome = { outcome, reason: `${event.data.stage}: ${event.data.reason}` };
  state.edits.set(event.data.actionId, record);
}

function withEdit(state: EditorState, actionId: string, change: (edit: EditRecord) => void): void {
  const edit = state.edits.get(actionId);
  if (edit) change(edit);
}

/** A closed case's actions and approvals are of no further use: a late request for one of them is refused. */
function forgetCase(state: EditorState, caseId: string): void {
  state.openCases.delete(caseId);
  for (const [id, action] of state.actions) if (action.caseId === caseId) state.actions.delete(id);
  for (const [id, decision] of state.decisionGrants) if (decision.caseId === caseId) state.decisionGrants.delete(id);
  for (const [id, request] of state.requests) if (request.caseId === caseId) state.requests.delete(id);
  for (const [id, grant] of state.grants) {
    if (grant.caseId !== caseId) continue;
    state.grants.delete(id);
    state.grantUsedBy.delete(id);
  }
  for (const [id, edit] of state.edits) if (edit.caseId === caseId && edit.outcome) state.edits.delete(id);
}

/** Edits that began and have no outcome: a previous run stopped between steps. */
export function unfinishedEdits(state: EditorState): EditRecord[] {
  return [...state.edits.values()].filter((edit) => !edit.outcome);
}
