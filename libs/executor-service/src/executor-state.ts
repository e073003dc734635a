import { assertNever, caseKeyOf, targetKey, type JarvisEvent, type JarvisEventOf } from '@jarvis/contracts';

/** How the config editor ended the edit an action asked for, as its events in the log say. */
export type EditOutcome = { applied: true } | { applied: false; reason: string };

export type ActionRecord = {
  decision: JarvisEventOf<'RemediationDecided'> | null;
  startedAt: string | null;
  /** The ActionStarted id: the action id the config editor keys an edit by. */
  runId: string | null;
  /** The outcome of the run's config edit, once the editor recorded one. */
  edit: EditOutcome | null;
  finished: boolean;
  /** Time of the latest event about this decision: the retention horizon is measured from it. */
  lastAt: string;
};

/**
 * What the executor must know of an incident to trust a decision: it is open, not handed to a person (escalated),
 * and this decision is its pending one.
 */
export type CaseView = {
  target: string;
  /** A scheduled maintenance run: it runs whether or not anything is failing. */
  maintenance: boolean;
  /** The incident's check and when its fault began (IncidentOpened); null for a maintenance run. */
  fault: { check: string; faultAt: string } | null;
  open: boolean;
  escalated: boolean;
  pendingDecisionId: string | null;
  closedAt: string | null;
  /** Approval requests of this case: what each is about (digest) and until when. */
  approvalRequests: Map<string, { digest: string; expiresAt: string }>;
  /** Grants recorded for this case, and the one execute decision each was used by (the first to cite it). */
  grants: Map<string, { requestId: string; digest: string; usedBy: string | null }>;
  /** Failing consequences of this case (ConsequenceLinked, not yet ConsequenceRecovered), as `caseKeyOf(target, check)`. */
  failingConsequences: Set<string>;
};

export type ExecutorState = {
  /** Per decision: whether its action was started and whether an outcome was recorded. */
  actions: Map<string, ActionRecord>;
  /** Per incident (correlation id). */
  cases: Map<string, CaseView>;
  /** ActionStarted id → decision id: the editor's events name the run, the records are per decision. */
  runs: Map<string, string>;
  /** The latest event time seen: the state's own notion of "now", so pruning never reads the clock. */
  latestMs: number;
  prunedAtMs: number;
};

/**
 * Pruning walks every record, so it runs at most once per this much event time: a minute, or a 64th of the
 * retention when that is longer, which keeps a replay of a dense log linear and lets closed cases outstay the
 * retention by at most a 64th of it.
 */
function pruneEveryMs(retentionMs: number): number {
  return Math.max(60_000, retentionMs / 64);
}

export function initialExecutorState(): ExecutorState {
  return { actions: new Map(), cases: new Map(), runs: new Map(), latestMs: 0, prunedAtMs: 0 };
}

/**
 * Folds one fact in; mutates and returns the state it is given. Closed cases and settled decisions whose latest
 * event is older than `retentionMs` (in event time) are dropped: a redelivery that old is refused as stale anyway.
 */
export function evolveExecutor(state: ExecutorState, event: JarvisEvent, retentionMs: number): ExecutorState {
  foldAction(state, event);
  foldCase(state, event);
  const at = Date.parse(event.time);
  if (at > state.latestMs) state.latestMs = at;
  if (state.latestMs - state.prunedAtMs >= pruneEveryMs(retentionMs)) prune(state, state.latestMs - retentionMs);
  return state;
}

function foldAction(state: ExecutorState, event: JarvisEvent): void {
  switch (event.type) {
    case 'RemediationDecided':
      if (event.data.outcome === 'execute') update(state, event.id, event.time, { decision: event });
      return;
    case 'ActionStarted':
      update(state, event.data.decisionId, event.time, { startedAt: event.time, runId: event.id });
      state.runs.set(event.id, event.data.decisionId);
      return;
    case 'ConfigApplied':
      recordEdit(state, event.data.actionId, event.time, { applied: true });
      return;
    case 'ConfigRolledBack':
      recordEdit(state, event.data.actionId, event.time, { applied: false, reason: `rolled back: ${event.data.reason}` });
      return;
    case 'ConfigEditFailed':
      recordEdit(state, event.data.actionId, event.time, { applied: false, reason: `${event.data.stage}: ${event.data.reason}` });
      return;
    case 'ActionSucceeded':
    case 'ActionFailed':
    case 'ActionRefused':
    case 'DecisionSuperseded':
      update(state, event.data.decisionId, event.time, { decision: null, finished: true });
      return;
    case 'DetectionRecorded':
    case 'IncidentOpened':
    case 'VerificationPassed':
    case 'VerificationFailed':
    case 'IncidentResolved':
    case 'IncidentEscalated':
    case 'ApprovalRequested':
    case 'ApprovalGranted':
    case 'ApprovalRejected':
    case 'ApprovalExpired':
    case 'ApprovalRefused':
    case 'MaintenanceStarted':
    case 'MaintenanceFinished':
    case 'ConfigEditProposed':
    case 'ConfigValidated':
    case 'ConfigBackedUp':
    case 'ConsequenceLinked':
    case 'ConsequenceRecovered':
    case 'CheckConfirmed':
    case 'ConfigKnownGoodRecorded':
      return;
    default:
      assertNever(event);
  }
}

function foldCase(state: ExecutorState, event: JarvisEvent): void {
  const view = state.cases.get(event.correlationId);
  switch (event.type) {
    case 'IncidentOpened':
    case 'MaintenanceStarted':
      state.cases.set(event.correlationId, {
        target: targetKey(event.data.target),
        maintenance: event.type === 'MaintenanceStarted',
        fault: event.type === 'IncidentOpened' ? { check: event.data.check, faultAt: event.data.faultAt } : null,
        open: true,
        escalated: false,
        pendingDecisionId: null,
        closedAt: null,
        approvalRequests: new Map(),
        grants: new Map(),
        failingConsequences: new Set(),
      });
      return;
    case 'RemediationDecided':
      if (view && event.data.outcome === 'execute') view.pendingDecisionId = event.id;
      if (view && event.data.approvalId) useGrant(view, event.data.approvalId, event.id);
      return;
    case 'ApprovalRequested':
      view?.approvalRequests.set(event.id, { digest: event.data.digest, expiresAt: event.data.expiresAt });
      return;
    case 'ApprovalGranted':
      if (view && !view.grants.has(event.id)) view.grants.set(event.id, { requestId: event.data.requestId, digest: event.data.digest, usedBy: null });
      return;
    case 'ActionFailed':
    case 'ActionRefused':
    case 'DecisionSuperseded':
    case 'VerificationPassed':
    case 'VerificationFailed':
      if (view?.pendingDecisionId === event.data.decisionId) view.pendingDecisionId = null;
      return;
    case 'IncidentResolved':
    case 'MaintenanceFinished':
      if (view) Object.assign(view, { open: false, pendingDecisionId: null, closedAt: event.time });
      return;
    case 'IncidentEscalated':
      if (view) view.escalated = true;
      return;
    case 'ConsequenceLinked':
      view?.failingConsequences.add(caseKeyOf(targetKey(event.data.target), event.data.check));
      return;
    case 'ConsequenceRecovered':
      view?.failingConsequences.delete(caseKeyOf(targetKey(event.data.target), event.data.check));
      return;
    case 'DetectionRecorded':
    case 'ActionStarted':
    case 'ActionSucceeded':
    case 'ApprovalRejected':
    case 'ApprovalExpired':
    case 'ApprovalRefused':
    case 'ConfigEditProposed':
    case 'ConfigValidated':
    case 'ConfigBackedUp':
    case 'ConfigApplied':
    case 'ConfigRolledBack':
    case 'ConfigEditFailed':
    case 'CheckConfirmed':
    case 'ConfigKnownGoodRecorded':
      return;
    default:
      assertNever(event);
  }
}

/** A grant carries out one decision: the first execute decision citing it, never a later one. */
function useGrant(view: CaseView, grantId: string, decisionId: string): void {
  const grant = view.grants.get(grantId);
  if (grant && grant.usedBy === null) grant.usedBy = decisionId;
}

/** Keeps open cases and actions still in flight (started, no outcome) whatever their age: they are live work. */
function prune(state: ExecutorState, horizonMs: number): void {
  for (const [id, record] of state.actions) {
    const inFlight = record.startedAt !== null && !record.finished;
    if (inFlight || Date.parse(record.lastAt) >= horizonMs) continue;
    state.actions.delete(id);
    if (record.runId) state.runs.delete(record.runId);
  }
  for (const [id, view] of state.cases) {
    if (!view.open && view.closedAt !== null && Date.parse(view.closedAt) < horizonMs) state.cases.delete(id);
  }
  state.prunedAtMs = state.latestMs;
}

/** Decisions whose action was started by a run that did not record its outcome. */
export function interruptedDecisions(state: ExecutorState): JarvisEventOf<'RemediationDecided'>[] {
  return [...state.actions.values()].flatMap((r) => (r.decision && r.startedAt && !r.finished ? [r.decision] : []));
}

/** An edit of a run this executor started; the editor's events for anything else are not its business. */
function recordEdit(state: ExecutorState, runId: string, at: string, edit: EditOutcome): void {
  const decisionId = state.runs.get(runId);
  if (decisionId) update(state, decisionId, at, { edit });
}

function update(state: ExecutorState, decisionId: string, at: string, change: Partial<ActionRecord>): void {
  const previous = state.actions.get(decisionId) ?? { decision: null, startedAt: null, runId: null, edit: null, finished: false, lastAt: at };
  state.actions.set(decisionId, { ...previous, ...change, lastAt: Date.parse(at) > Date.parse(previous.lastAt) ? at : previous.lastAt });
}
