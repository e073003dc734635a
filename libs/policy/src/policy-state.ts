import { assertNever, targetKey, type ActionParams, type JarvisEvent, type JarvisEventOf, type Risk, type TargetRef } from '@jarvis/contracts';
import { RULE } from './policy-rules.js';
import { isTrigger, type Trigger } from './trigger.js';

type Decision = JarvisEventOf<'RemediationDecided'>;

export type IncidentView = {
  targetKey: string;
  target: TargetRef;
  /** The failing check: which action answers it comes from the capability registry. */
  check: string;
  /** Set for a scheduled maintenance run: its action and params come from the schedule, and it is tried once. */
  maintenance: { schedule: string; action: string; params: ActionParams } | null;
  open: boolean;
  escalated: boolean;
  /** The execute decision whose outcome (action failed, refused, superseded, verification) has not been recorded yet. */
  pendingDecisionId: string | null;
  /** The latest execute decision, pending or not: only a refusal of this one may lead to a new decision. */
  lastExecuteDecisionId: string | null;
  /** When the pending decision was due: the decision timeout counts from here. */
  pendingNotBefore: string | null;
  /** What the pending decision runs on what: an outcome naming its id but another action or target is not its outcome. */
  pendingAbout: DecisionAbout | null;
  /** Execute decisions within this incident: the backoff grows with them and starts afresh with a new incident. */
  attempts: number;
  /** The same, per action: an action's attempts per incident are counted apart, so a fallback gets its own. */
  attemptsByAction: Record<string, number>;
  /** The latest event that could lead to a decision for this incident. */
  lastTrigger: Trigger | null;
  /** The latest decision asked for approval: asking again at every re-detection would say nothing new. */
  awaitingApproval: boolean;
  /** The approval request a person has not answered yet. */
  pendingApprovalId: string | null;
  /** The latest decision was a rate-limit denial: it is decided again once its notBefore has passed. */
  rateLimited: Decision | null;
  closedAt: string | null;
  /** The root's own fix passed its verification: what still fails are consequences, each with its own remediation. */
  rootVerified: boolean;
  /** Failures of other targets explained by this incident's target, in the order they joined. */
  consequences: ConsequenceView[];
};

/** A consequence as the policy needs it: whether it still fails, how far from the root, and whether it was acted on. */
export type ConsequenceView = {
  target: TargetRef;
  targetKey: string;
  check: string;
  /** Targets from the consequence to the root, both included: the shorter, the sooner it is remediated. */
  chainLength: number;
  failing: boolean;
  /** Its remediation was decided (execute) in this incident: a consequence gets one attempt, then the grace decides. */
  decisionId: string | null;
  /** The approval request for its remediation, while a person has not answered it. */
  approvalRequestId: string | null;
};

/** An execute decision's action and target key, as its outcomes must name them. */
export type DecisionAbout = { action: string; targetKey: string };

/** `withdrawn`: a consequence's request whose consequence passed again before anyone answered it. */
export type ApprovalStatus = 'pending' | 'used' | 'rejected' | 'expired' | 'withdrawn';

/** An approval request as the policy knows it: what it is about, and whether it may still be granted. */
export type ApprovalRecord = {
  id: string;
  caseId: string;
  subject: string;
  target: TargetRef;
  action: string;
  params: ActionParams;
  risk: Risk;
  digest: string;
  reason: string;
  requestedAt: string;
  expiresAt: string;
  status: ApprovalStatus;
  /** The masked diff of a config edit, as the request recorded it. */
  diff?: string;
  /** For a consequence's remediation under its root's case: the consequence's failing check on `target`. */
  consequenceCheck?: string;
};

/** The check name a maintenance case carries: nothing failed, a schedule came due. */
export const MAINTENANCE_CHECK = 'scheduled_maintenance';

/** What the policy remembers. Rebuilt from the log at start, so a restart never resets a count. */
export type PolicyState = {
  /** Approval requests by id; a grant is checked against its request here. */
  approvals: Map<string, ApprovalRecord>;
  /** Grants recorded, by id, with the request each names: a decision citing the grant uses up its request. */
  grants: Map<string, JarvisEventOf<'ApprovalGranted'>>;
  incidents: Map<string, IncidentView>;
  /**
   * Trigger events that already got a decision, with their incident: a redelivered trigger is answered by this, not
   * decided twice. They go with their incident when it is pruned.
   */
  decidedTriggers: Map<string, string>;
  /** Times of execute decisions per target (breaker) and of every execute decision (rate limit). */
  attemptsByTarget: Map<string, number[]>;
  actionTimes: number[];
  /** The latest event time seen: pruning judges age by it, never by the clock. */
  latestMs: number;
  prunedAtMs: number;
  /** Target key to its config file's newest known-good copy (ConfigKnownGoodRecorded): what a restore may offer. */
  knownGood: Map<string, { path: string; knownGood: string }>;
};

/**
 * Pruning walks every record, so it runs at most once per this much event time: a minute, or a 64th of the
 * retention when that is longer, which keeps a replay of a dense log linear and lets closed cases outstay the
 * retention by at most a 64th of it.
 */
function pruneEveryMs(retentionMs: number): number {
  return Math.max(60_000, retentionMs / 64);
}

export function initialPolicyState(): PolicyState {
  return { approvals: new Map(), grants: new Map(), incidents: new Map(), decidedTriggers: new Map(), attemptsByTarget: new Map(), actionTimes: [], latestMs: 0, prunedAtMs: 0, knownGood: new Map() };
}

/**
 * Folds one fact into the state. It mutates and returns the state it is given: the caller owns that state.
 * Incidents resolved more than `retentionMs` ago (in event time) are dropped with their decided triggers.
 */
export function evolvePolicy(state: PolicyState, event: JarvisEvent, retentionMs: number): PolicyState {
  foldFact(state, event);
  if (isTrigger(event)) {
    withIncident(state, event.correlationId, (incident) => {
      if (isOwnTrigger(incident, event)) incident.lastTrigger = event;
    });
  }
  const at = Date.parse(event.time);
  if (at > state.latestMs) state.latestMs = at;
  if (state.latestMs - state.prunedAtMs >= pruneEveryMs(retentionMs)) pruneClosed(state, state.latestMs - retentionMs);
  return state;
}

/**
 * Triggers of incidents still waiting for a decision: a policy that died between a trigger and its decision
 * decides them at start instead of after the log's redelivery.
 */
export function undecidedTriggers(state: PolicyState): Trigger[] {
  return [...state.incidents.values()].flatMap((i) =>
    i.open && !i.escalated && !i.pendingDecisionId && i.lastTrigger && !state.decidedTriggers.has(i.lastTrigger.id) ? [i.lastTrigger] : [],
  );
}

function foldFact(state: PolicyState, event: JarvisEvent): PolicyState {
  switch (event.type) {
    case 'IncidentOpened':
    case 'MaintenanceStarted':
      state.incidents.set(event.correlationId, {
        targetKey: targetKey(event.data.target),
        target: event.data.target,
        check: event.type === 'IncidentOpened' ? event.data.check : MAINTENANCE_CHECK,
        maintenance: event.type === 'MaintenanceStarted' ? { schedule: event.data.schedule, action: event.data.action, params: event.data.params } : null,
        open: true,
        escalated: false,
        pendingDecisionId: null,
        lastExecuteDecisionId: null,
        pendingNotBefore: null,
        pendingAbout: null,
        attempts: 0,
        attemptsByAction: {},
        lastTrigger: null,
        awaitingApproval: false,
        pendingApprovalId: null,
        rateLimited: null,
        closedAt: null,
        rootVerified: false,
        consequences: [],
      });
      return state;
    case 'RemediationDecided':
      foldDecision(state, event);
      return state;
    case 'ActionFailed':
    case 'ActionRefused':
    case 'DecisionSuperseded':
    case 'VerificationPassed':
    case 'VerificationFailed':
      withIncident(state, event.correlationId, (incident) => {
        if (incident.pendingDecisionId !== event.data.decisionId || !namesPendingDecision(incident, event)) return;
        Object.assign(incident, { pendingDecisionId: null, pendingNotBefore: null, pendingAbout: null });
        if (event.type === 'VerificationPassed' && targetKey(event.data.target) === incident.targetKey) incident.rootVerified = true;
        if (event.type === 'ActionRefused' && event.data.refusal === 'decision_stale') forgetStaleConsequenceDecision(incident, event.data.decisionId);
      });
      return state;
    case 'ConsequenceLinked':
      withIncident(state, event.correlationId, (incident) => linkConsequence(incident, event));
      return state;
    case 'ConsequenceRecovered':
      withIncident(state, event.correlationId, (incident) => {
        const known = findConsequence(incident, targetKey(event.data.target), event.data.check);
        if (!known) return;
        known.failing = false;
        // Nothing left to approve: the request is withdrawn, so a grant is refused and its expiry escalates nothing.
        if (!known.approvalRequestId) return;
        settleApproval(state, known.approvalRequestId, 'withdrawn');
        incident.awaitingApproval = false;
      });
      return state;
    case 'IncidentEscalated':
      withIncident(state, event.correlationId, (incident) => (incident.escalated = true));
      return state;
    case 'IncidentResolved':
    case 'MaintenanceFinished':
      withIncident(state, event.correlationId, (incident) => Object.assign(incident, { open: false, pendingDecisionId: null, pendingNotBefore: null, pendingAbout: null, closedAt: event.time }));
      return state;
    case 'ApprovalRequested':
      foldApprovalRequest(state, event);
      return state;
    case 'ApprovalGranted':
      state.grants.set(event.id, event);
      return state;
    case 'ApprovalRefused':
      if (event.causationId) state.decidedTriggers.set(event.causationId, event.correlationId);
      return state;
    case 'ApprovalRejected':
      settleApproval(state, event.data.requestId, 'rejected');
      return state;
    case 'ApprovalExpired':
      settleApproval(state, event.data.requestId, 'expired');
      // Nobody answered: the next trigger may ask again.
      withIncident(state, event.correlationId, (incident) => (incident.awaitingApproval = false));
      return state;
    case 'DetectionRecorded':
    case 'ActionStarted':
    case 'ActionSucceeded':
    case 'ConfigEditProposed':
    case 'ConfigValidated':
    case 'ConfigBackedUp':
    case 'ConfigApplied':
    case 'ConfigRolledBack':
    case 'ConfigEditFailed':
    case 'CheckConfirmed':
      return state;
    case 'ConfigKnownGoodRecorded':
      state.knownGood.set(targetKey(event.data.target), { path: event.data.path, knownGood: event.data.knownGood });
      return state;
    default:
      return assertNever(event);
  }
}

function linkConsequence(incident: IncidentView, link: JarvisEventOf<'ConsequenceLinked'>): void {
  const key = targetKey(link.data.target);
  const known = findConsequence(incident, key, link.data.check);
  if (known) {
    // Failing again after a recovery: it is a new failure, and may be acted on again.
    if (!known.failing) Object.assign(known, { failing: true, decisionId: null, chainLength: link.data.chain.length });
    return;
  }
  const fresh = { decisionId: null, approvalRequestId: null };
  incident.consequences.push({ target: link.data.target, targetKey: key, check: link.data.check, chainLength: link.data.chain.length, failing: true, ...fresh });
}

/**
 * A consequence's decision that went stale unrun (ActionRefused decision_stale) did not act: it may be decided again.
 * Called only for the refusal of the case's pending decision naming its action and target, so a decision is
 * forgotten once: a forged refusal, or one replayed after the decision settled, re-opens nothing.
 */
function forgetStaleConsequenceDecision(incident: IncidentView, decisionId: string): void {
  const decided = incident.consequences.find((c) => c.decisionId === decisionId);
  if (decided) decided.decisionId = null;
}

/** Outcomes that name an action must name the pending decision's action and target; verifications name only its id. */
function namesPendingDecision(incident: IncidentView, outcome: JarvisEventOf<'ActionFailed' | 'ActionRefused' | 'DecisionSuperseded' | 'VerificationPassed' | 'VerificationFailed'>): boolean {
  if (outcome.type === 'VerificationPassed' || outcome.type === 'VerificationFailed' || !incident.pendingAbout) return true;
  return sameAbout(incident.pendingAbout, outcome);
}

function sameAbout(about: DecisionAbout, outcome: { data: { action: string; target: TargetRef } }): boolean {
  return about.action === outcome.data.action && about.targetKey === targetKey(outcome.data.target);
}

export function findConsequence(incident: IncidentView, key: string, check: string): ConsequenceView | undefined {
  return incident.consequences.find((c) => c.targetKey === key && c.check === check);
}

function foldApprovalRequest(state: PolicyState, request: JarvisEventOf<'ApprovalRequested'>): void {
  const { target, action, params, risk, digest, reason, expiresAt, diff, consequenceCheck } = request.data;
  state.approvals.set(request.id, {
    id: request.id,
    caseId: request.correlationId,
    subject: request.subject,
    target,
    action,
    params,
    risk,
    digest,
    reason,
    requestedAt: request.time,
    expiresAt,
    status: 'pending',
    ...(diff === undefined ? {} : { diff }),
    ...(consequenceCheck === undefined ? {} : { consequenceCheck }),
  });
  withIncident(state, request.correlationId, (incident) => {
    incident.pendingApprovalId = request.id;
    const consequence = consequenceCheck === undefined ? undefined : findConsequence(incident, targetKey(target), consequenceCheck);
    if (consequence) consequence.approvalRequestId = request.id;
  });
}

function settleApproval(state: PolicyState, requestId: string, status: Exclude<ApprovalStatus, 'pending'>): void {
  const request = state.approvals.get(requestId);
  if (!request || request.status !== 'pending') return;
  request.status = status;
  withIncident(state, request.caseId, (incident) => {
    if (incident.pendingApprovalId === requestId) incident.pendingApprovalId = null;
    for (const consequence of incident.consequences) if (consequence.approvalRequestId === requestId) consequence.approvalRequestId = null;
  });
}

function foldDecision(state: PolicyState, decision: Decision): void {
  if (decision.causationId) state.decidedTriggers.set(decision.causationId, decision.correlationId);
  const grant = decision.data.approvalId ? state.grants.get(decision.data.approvalId) : undefined;
  if (grant) settleApproval(state, grant.data.requestId, 'used');
  const incident = state.incidents.get(decision.correlationId);
  if (incident) {
    incident.awaitingApproval = decision.data.outcome === 'needs_approval';
    incident.rateLimited = decision.data.outcome === 'denied' && decision.data.rule === RULE.rateLimit ? decision : null;
  }
  if (decision.data.outcome !== 'execute') return;
  const check = decision.data.consequenceCheck;
  const consequence = incident && check !== undefined ? findConsequence(incident, targetKey(decision.data.target), check) : undefined;
  const about = { action: decision.data.action, targetKey: targetKey(decision.data.target) };
  if (consequence) consequence.decisionId = decision.id;
  if (incident) {
    Object.assign(incident, { pendingDecisionId: decision.id, lastExecuteDecisionId: decision.id, pendingNotBefore: decision.data.notBefore, pendingAbout: about });
    incident.attempts += 1;
    incident.attemptsByAction[decision.data.action] = (incident.attemptsByAction[decision.data.action] ?? 0) + 1;
  }
  const at = Date.parse(decision.time);
  push(state.attemptsByTarget, targetKey(decision.data.target), at);
  state.actionTimes.push(at);
}

/**
 * A refusal counts only when it refused this incident's own latest decision: a forged decision's refusal must neither
 * make the policy act nor displace the incident's real latest trigger. Only triggers about the incident's own target
 * count.
 */
export function isOwnTrigger(incident: IncidentView, trigger: Trigger): boolean {
  // The outcome of a consequence's remediation is about another target: decideConsequenceRemediation answers it.
  if (targetKey(trigger.data.target) !== incident.targetKey) return false;
  return trigger.type !== 'ActionRefused' || trigger.data.decisionId === incident.lastExecuteDecisionId;
}

/** Open and escalated incidents stay whatever their age; the breaker and rate-limit windows prune themselves. */
function pruneClosed(state: PolicyState, horizonMs: number): void {
  for (const [id, incident] of state.incidents) {
    if (!incident.open && incident.closedAt !== null && Date.parse(incident.closedAt) < horizonMs) state.incidents.delete(id);
  }
  for (const [trigger, incidentId] of state.decidedTriggers) {
    if (!state.incidents.has(incidentId)) state.decidedTriggers.delete(trigger);
  }
  for (const [id, request] of state.approvals) if (!state.incidents.has(request.caseId)) state.approvals.delete(id);
  for (const [id, grant] of state.grants) if (!state.incidents.has(grant.correlationId)) state.grants.delete(id);
  state.prunedAtMs = state.latestMs;
}

/** Drops times that can no longer count for any window, so long-running state stays small. */
export function pruneBefore(state: PolicyState, cutoff: number): void {
  for (const [key, times] of state.attemptsByTarget) {
    const kept = times.filter((t) => t >= cutoff);
    if (kept.length === 0) state.attemptsByTarget.delete(key);
    else state.attemptsByTarget.set(key, kept);
  }
  state.actionTimes = state.actionTimes.filter((t) => t >= cutoff);
}

export function countSince(times: number[] | undefined, since: number): number {
  return (times ?? []).filter((t) => t > since).length;
}

function push(map: Map<string, number[]>, key: string, value: number): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function withIncident(state: PolicyState, id: string, fn: (incident: IncidentView) => void): void {
  const incident = state.incidents.get(id);
  if (incident) fn(incident);
}
