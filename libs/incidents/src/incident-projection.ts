import { assertNever, caseKeyOf, instantMs, targetKey, type DetectionStatus, type JarvisEvent, type JarvisEventOf } from '@jarvis/contracts';
import { beforeDeleting, deleteOldestWhile, keepNewest } from '@jarvis/ordered-maps';
import { summarize } from './incident-summary.js';
import { appendToTimeline, type Timeline, type TimelineEntry } from './incident-timeline.js';
import { SharedText } from './shared-text.js';

export type IncidentStatus = 'open' | 'escalated' | 'resolved';

/** One check of another target failing because of the incident's target; `chain` runs from it to the root. */
export type ConsequenceRecord = {
  target: string;
  check: string;
  chain: string[];
  state: 'failing' | 'recovered';
  reason: string;
  linkedAt: string;
  recoveredAt: string | null;
  /** The consequence's own incident, opened before the root failed and merged into this one. */
  mergedIncidentId: string | null;
  /** The approval request for its remediation while unanswered: the grace does not run out on a person's wait. */
  pendingApprovalId: string | null;
  /** When a grant of that request was decided: the grace counts afresh from then. */
  approvedAt: string | null;
};

/** What the latest detection said: a later observation saying the same adds nothing. */
export type DetectedCondition = { check: string; status: DetectionStatus; reason: string; faultAt: string };

export type IncidentRecord = Timeline & {
  id: string;
  target: string;
  /** The check that failed; an incident is one target's one failing check. */
  check: string;
  status: IncidentStatus;
  summary: string;
  faultAt: string;
  detectedAt: string;
  openedAt: string;
  resolvedAt: string | null;
  resolution: string | null;
  decisions: number;
  actions: number;
  pendingDecisionId: string | null;
  /** The approval request a person has not answered yet. */
  pendingApprovalId: string | null;
  lastDetectionAt: string;
  lastCondition: DetectedCondition | null;
  /**
   * No decision answers the incident's current state: none yet, a denial (e.g. a rate limit: retry later), or an
   * action refused or superseded. The policy itself reacts to failed actions and verifications.
   */
  awaitsDecision: boolean;
  /** Fault to first detection. */
  mttdMs: number;
  /** Fault to verified resolution; null while unresolved. */
  mttrMs: number | null;
  /** Checks of dependent targets failing because of this one, in the order they joined. */
  consequences: ConsequenceRecord[];
  /** When the latest action on this target was verified: with consequences still failing, it waits for them. */
  verifiedAt: string | null;
  /** The root incident this one was merged into (resolution `merged`). */
  mergedInto: string | null;
};

export type IncidentBookLimits = {
  /** A resolved incident is dropped this long after it closed, judged from the times of later events. */
  closedRetentionMs: number;
  /** Detections waiting for their IncidentOpened; beyond this the oldest are dropped (an interrupted opening). */
  maxEarlyDetections: number;
};

export const DEFAULT_INCIDENT_BOOK_LIMITS: IncidentBookLimits = { closedRetentionMs: 168 * 3_600_000, maxEarlyDetections: 256 };

/** Every incident still kept, and which one is open per target and check. Built from the log by audit, monitor, policy. */
export type IncidentBook = {
  byId: Map<string, IncidentRecord>;
  /** By `caseKeyOf(target, check)`. */
  openByCase: Map<string, string>;
  /** Failed detections recorded before their incident's IncidentOpened arrived (same correlation id). */
  earlyDetections: Map<string, JarvisEventOf<'DetectionRecorded'>>;
  /** Resolved incidents in the order they closed, with when. */
  closedAt: Map<string, number>;
  /** Consequences of open incidents, failing or recovered, by `caseKeyOf(target, check)`: the root incident's id. */
  consequenceOf: Map<string, string>;
};

export function emptyIncidentBook(): IncidentBook {
  return { byId: new Map(), openByCase: new Map(), earlyDetections: new Map(), closedAt: new Map(), consequenceOf: new Map() };
}

/**
 * Folds one fact in; mutates and returns the book it is given (the caller owns it). The limits come from the
 * configuration, not from the book, so that a book restored from a snapshot follows the current configuration.
 */
export function evolveIncidents(book: IncidentBook, event: JarvisEvent, limits: IncidentBookLimits = DEFAULT_INCIDENT_BOOK_LIMITS): IncidentBook {
  forgetClosedBefore(book, instantMs(event.time) - limits.closedRetentionMs);
  const incident = book.byId.get(event.correlationId);
  switch (event.type) {
    case 'IncidentOpened':
      open(book, event);
      break;
    case 'DetectionRecorded':
      if (incident) {
        incident.lastDetectionAt = event.time;
        incident.lastCondition = conditionOf(event);
        incident.awaitsDecision = true;
        if (event.data.status === 'failed') incident.verifiedAt = null;
      } else if (event.data.status === 'failed') keepEarly(book, event, limits.maxEarlyDetections);
      break;
    case 'RemediationDecided':
      if (incident) {
        incident.decisions += 1;
        if (event.data.approvalId) incident.pendingApprovalId = null;
        if (event.data.approvalId) approvedConsequence(incident, event);
        if (event.data.outcome === 'execute') incident.pendingDecisionId = event.id;
        incident.awaitsDecision = event.data.outcome === 'denied';
      }
      break;
    case 'ActionStarted':
      if (incident) incident.actions += 1;
      break;
    case 'ActionRefused':
    case 'DecisionSuperseded':
      if (incident) incident.awaitsDecision = true;
      clearPending(incident, event.data.decisionId);
      break;
    case 'VerificationPassed':
      if (incident && incident.pendingDecisionId === event.data.decisionId) incident.verifiedAt = event.time;
      clearPending(incident, event.data.decisionId);
      break;
    case 'ActionFailed':
    case 'VerificationFailed':
      clearPending(incident, event.data.decisionId);
      break;
    case 'IncidentEscalated':
      if (incident && incident.status === 'open') incident.status = 'escalated';
      break;
    case 'IncidentResolved':
      if (incident) close(book, incident, event);
      break;
    case 'ApprovalRequested':
      if (incident) requestApproval(incident, event);
      break;
    case 'ApprovalRejected':
      clearApproval(incident, event.data.requestId, false);
      break;
    case 'ApprovalExpired':
      // Nobody answered in time: the incident awaits a decision again, so the next look asks anew.
      clearApproval(incident, event.data.requestId, true);
      break;
    case 'ActionSucceeded':
    case 'ApprovalGranted':
    case 'ApprovalRefused':
    case 'MaintenanceStarted':
    case 'MaintenanceFinished':
    case 'ConfigEditProposed':
    case 'ConfigValidated':
    case 'ConfigBackedUp':
    case 'ConfigApplied':
    case 'ConfigRolledBack':
    case 'ConfigEditFailed':
    case 'CheckConfirmed':
    case 'ConfigKnownGoodRecorded':
      break;
    case 'ConsequenceLinked':
      if (incident && incident.status !== 'resolved') link(book, incident, event);
      break;
    case 'ConsequenceRecovered':
      if (incident) recoverConsequence(incident, event);
      break;
    default:
      return assertNever(event);
  }
  const record = book.byId.get(event.correlationId);
  if (record) appendToTimeline(record, entry(event));
  return book;
}

export function openIncidentFor(book: IncidentBook, target: string, check: string): IncidentRecord | undefined {
  const id = book.openByCase.get(caseKeyOf(target, check));
  return id ? book.byId.get(id) : undefined;
}

/** When the latest resolved incident of one target and check was resolved (event time, ms), if one is still kept. */
export function lastResolvedAt(book: IncidentBook, target: string, check: string): number | undefined {
  const closings = [...book.closedAt];
  for (let i = closings.length - 1; i >= 0; i--) {
    const [id, at] = closings[i]!;
    const record = book.byId.get(id);
    if (record && record.target === target && record.check === check) return at;
  }
  return undefined;
}

/** Every open (or escalated) incident of one target, whatever its check. */
export function openIncidentsOf(book: IncidentBook, target: string): IncidentRecord[] {
  return [...book.openByCase.values()].flatMap((id) => {
    const record = book.byId.get(id);
    return record && record.target === target ? [record] : [];
  });
}

function open(book: IncidentBook, event: JarvisEventOf<'IncidentOpened'>): void {
  const detection = book.earlyDetections.get(event.correlationId);
  beforeDeleting(book.earlyDetections, event.correlationId);
  book.earlyDetections.delete(event.correlationId);
  const detectedAt = detection?.time ?? event.time;
  const record: IncidentRecord = {
    id: event.correlationId,
    target: targetKey(event.data.target),
    check: event.data.check,
    status: 'open',
    summary: event.data.summary,
    faultAt: event.data.faultAt,
    detectedAt,
    openedAt: event.time,
    resolvedAt: null,
    resolution: null,
    decisions: 0,
    actions: 0,
    pendingDecisionId: null,
    pendingApprovalId: null,
    lastDetectionAt: detectedAt,
    lastCondition: detection ? conditionOf(detection) : null,
    awaitsDecision: true,
    mttdMs: Math.max(0, instantMs(detectedAt) - instantMs(event.data.faultAt)),
    mttrMs: null,
    consequences: [],
    verifiedAt: null,
    mergedInto: null,
    timeline: [],
    timelineOmitted: 0,
  };
  if (detection) appendToTimeline(record, entry(detection));
  book.byId.set(record.id, record);
  book.openByCase.set(caseKeyOf(record.target, record.check), record.id);
}

function close(book: IncidentBook, incident: IncidentRecord, event: JarvisEventOf<'IncidentResolved'>): void {
  incident.status = 'resolved';
  incident.resolvedAt = event.time;
  incident.resolution = event.data.resolution;
  incident.pendingDecisionId = null;
  incident.awaitsDecision = false;
  incident.mttrMs = Math.max(0, instantMs(event.time) - instantMs(incident.faultAt));
  incident.mergedInto = event.data.mergedInto ?? null;
  const key = caseKeyOf(incident.target, incident.check);
  if (book.openByCase.get(key) === incident.id) book.openByCase.delete(key);
  for (const consequence of incident.consequences) {
    const consequenceKey = caseKeyOf(consequence.target, consequence.check);
    if (book.consequenceOf.get(consequenceKey) === incident.id) book.consequenceOf.delete(consequenceKey);
  }
  beforeDeleting(book.closedAt, incident.id);
  book.closedAt.delete(incident.id);
  book.closedAt.set(incident.id, instantMs(event.time));
}

/** A consequence joins once per target and check; linked again after it recovered, it is failing again. */
function link(book: IncidentBook, incident: IncidentRecord, event: JarvisEventOf<'ConsequenceLinked'>): void {
  const target = targetKey(event.data.target);
  const { check, chain, reason } = event.data;
  const known = incident.consequences.find((c) => c.target === target && c.check === check);
  const fields = { chain, state: 'failing' as const, reason, recoveredAt: null };
  if (known) Object.assign(known, fields);
  else incident.consequences.push({ target, check, linkedAt: event.time, mergedIncidentId: event.data.mergedIncidentId ?? null, pendingApprovalId: null, approvedAt: null, ...fields });
  book.consequenceOf.set(caseKeyOf(target, check), incident.id);
}

function recoverConsequence(incident: IncidentRecord, event: JarvisEventOf<'ConsequenceRecovered'>): void {
  const target = targetKey(event.data.target);
  const known = incident.consequences.find((c) => c.target === target && c.check === event.data.check);
  if (!known) return;
  // A request still unanswered is withdrawn with the failure it was about (the policy refuses a later grant).
  if (known.pendingApprovalId !== null && incident.pendingApprovalId === known.pendingApprovalId) incident.pendingApprovalId = null;
  Object.assign(known, { state: 'recovered', reason: event.data.reason, recoveredAt: event.time, pendingApprovalId: null });
}

function requestApproval(incident: IncidentRecord, request: JarvisEventOf<'ApprovalRequested'>): void {
  incident.pendingApprovalId = request.id;
  const check = request.data.consequenceCheck;
  const consequence = check === undefined ? undefined : findRecord(incident, targetKey(request.data.target), check);
  if (consequence) consequence.pendingApprovalId = request.id;
}

function approvedConsequence(incident: IncidentRecord, decision: JarvisEventOf<'RemediationDecided'>): void {
  const check = decision.data.consequenceCheck;
  const consequence = check === undefined ? undefined : findRecord(incident, targetKey(decision.data.target), check);
  if (consequence) Object.assign(consequence, { pendingApprovalId: null, approvedAt: decision.time });
}

function findRecord(incident: IncidentRecord, target: string, check: string): ConsequenceRecord | undefined {
  return incident.consequences.find((c) => c.target === target && c.check === check);
}

/** The consequences of an incident whose checks still fail. */
export function failingConsequences(incident: IncidentRecord): ConsequenceRecord[] {
  return incident.consequences.filter((c) => c.state === 'failing');
}

/** The open incident a target's check is a consequence of, if it is one. */
export function rootIncidentOf(book: IncidentBook, target: string, check: string): IncidentRecord | undefined {
  const id = book.consequenceOf.get(caseKeyOf(target, check));
  const record = id ? book.byId.get(id) : undefined;
  return record && record.status !== 'resolved' ? record : undefined;
}

/** Closing order is (nearly) time order, so the expired ones are at the front. */
function forgetClosedBefore(book: IncidentBook, horizon: number): void {
  deleteOldestWhile(book.closedAt, (_, closedAt) => closedAt <= horizon, (id) => book.byId.delete(id));
}

function keepEarly(book: IncidentBook, detection: JarvisEventOf<'DetectionRecorded'>, max: number): void {
  book.earlyDetections.set(detection.correlationId, detection);
  keepNewest(book.earlyDetections, max);
}

function clearApproval(incident: IncidentRecord | undefined, requestId: string, awaitsDecision: boolean): void {
  for (const consequence of incident?.consequences ?? []) if (consequence.pendingApprovalId === requestId) consequence.pendingApprovalId = null;
  if (!incident || incident.pendingApprovalId !== requestId) return;
  incident.pendingApprovalId = null;
  incident.awaitsDecision = awaitsDecision;
}

function clearPending(incident: IncidentRecord | undefined, decisionId: string): void {
  if (incident && incident.pendingDecisionId === decisionId) incident.pendingDecisionId = null;
}

function conditionOf(detection: JarvisEventOf<'DetectionRecorded'>): DetectedCondition {
  const { check, status, reason, faultAt } = detection.data;
  return { check, status, reason, faultAt };
}

/** Shared by every book of the process: it holds no state of a book, only strings equal to what it is given. */
const summaries = new SharedText();

function entry(event: JarvisEvent): TimelineEntry {
  return { id: event.id, type: event.type, time: event.time, source: event.source, summary: summaries.of(summarize(event)) };
}
