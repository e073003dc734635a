import { assertNever, instantMs, type JarvisEvent, type JarvisEventOf } from '@jarvis/contracts';

/** Samples kept per check or action for the percentiles: the most recent ones, so the figures follow the present. */
export const RELIABILITY_SAMPLE_LIMIT = 1000;
/** How far back the executed-actions counts reach (the longest window they are asked for). */
export const RECENT_ACTIONS_MS = 30 * 86_400_000;
/**
 * Actions older than the window are dropped this many at a time: dropping each as it ages moved the whole 30-day
 * array on every action, which made a replay of a long log slower the longer it ran. The counts filter by time anyway.
 */
export const RECENT_ACTIONS_PRUNE_BATCH = 1024;

/** `mttdMs`: the MTTD sample its opening added, taken back if it turns out to be a consequence of another (merged). */
type OpenCase = { check: string; faultAtMs: number; mttdMs: number; personStepped: boolean; escalated: boolean; actions: string[] };

export type ActionTally = { succeeded: number; failed: number };

export type CaseTally = { detected: number; remediated: number; recovered: number; withdrawn: number; escalated: number; remediatedAlone: number };

/**
 * What the reliability figures of the original description are computed from, folded from the log in order:
 * incidents in progress, bounded samples of MTTD and MTTR, outcomes per action type and the actions of the last 30
 * days. Nothing here reads a clock: windows end at the time the figures are asked for.
 */
export type ReliabilityBook = {
  open: Map<string, OpenCase>;
  mttdMsByCheck: Map<string, number[]>;
  mttrMsByCheck: Map<string, number[]>;
  mttrMsByAction: Map<string, number[]>;
  actions: Map<string, ActionTally>;
  /** Epoch ms and action type of every action outcome in the last RECENT_ACTIONS_MS of event time. */
  recentActions: { atMs: number; action: string }[];
  cases: CaseTally;
};

export function emptyReliabilityBook(): ReliabilityBook {
  return {
    open: new Map(),
    mttdMsByCheck: new Map(),
    mttrMsByCheck: new Map(),
    mttrMsByAction: new Map(),
    actions: new Map(),
    recentActions: [],
    cases: { detected: 0, remediated: 0, recovered: 0, withdrawn: 0, escalated: 0, remediatedAlone: 0 },
  };
}

/** Changes `book` in place (it owns it) and returns it. */
export function evolveReliability(book: ReliabilityBook, event: JarvisEvent): ReliabilityBook {
  switch (event.type) {
    case 'IncidentOpened':
      opened(book, event);
      break;
    case 'ApprovalGranted':
    case 'ApprovalRejected':
      markPersonStep(book, event.correlationId);
      break;
    case 'ActionSucceeded':
    case 'ActionFailed':
      actionEnded(book, event);
      break;
    case 'IncidentEscalated':
      escalated(book, event.correlationId);
      break;
    case 'IncidentResolved':
      resolved(book, event);
      break;
    case 'DetectionRecorded':
    case 'RemediationDecided':
    case 'ActionStarted':
    case 'ActionRefused':
    case 'DecisionSuperseded':
    case 'VerificationPassed':
    case 'VerificationFailed':
    case 'ApprovalRequested':
    case 'ApprovalExpired':
    case 'ApprovalRefused':
    case 'MaintenanceStarted':
    case 'MaintenanceFinished':
    case 'ConfigEditProposed':
    case 'ConfigValidated':
    case 'ConfigBackedUp':
    case 'ConfigApplied':
    case 'ConfigRolledBack':
    case 'ConfigEditFailed':
    case 'ConsequenceLinked':
    case 'ConsequenceRecovered':
    case 'CheckConfirmed':
    case 'ConfigKnownGoodRecorded':
      break;
    default:
      assertNever(event);
  }
  return book;
}

function opened(book: ReliabilityBook, event: JarvisEventOf<'IncidentOpened'>): void {
  if (book.open.has(event.correlationId)) return;
  const faultAtMs = instantMs(event.data.faultAt);
  const mttdMs = Math.max(0, instantMs(event.time) - faultAtMs);
  book.open.set(event.correlationId, { check: event.data.check, faultAtMs, mttdMs, personStepped: false, escalated: false, actions: [] });
  book.cases.detected += 1;
  sample(book.mttdMsByCheck, event.data.check, mttdMs);
}

function markPersonStep(book: ReliabilityBook, caseId: string): void {
  const open = book.open.get(caseId);
  if (open) open.personStepped = true;
}

function actionEnded(book: ReliabilityBook, event: JarvisEventOf<'ActionSucceeded'> | JarvisEventOf<'ActionFailed'>): void {
  const { action } = event.data;
  const tally = book.actions.get(action) ?? { succeeded: 0, failed: 0 };
  if (event.type === 'ActionSucceeded') tally.succeeded += 1;
  else tally.failed += 1;
  book.actions.set(action, tally);
  const atMs = instantMs(event.time);
  book.recentActions.push({ atMs, action });
  pruneRecentActions(book.recentActions, atMs - RECENT_ACTIONS_MS);
  const open = book.open.get(event.correlationId);
  if (open && !open.actions.includes(action)) open.actions.push(action);
}

/** Outcomes arrive in (nearly) time order: once a whole batch at the front is stale, every stale one goes. */
function pruneRecentActions(recent: ReliabilityBook['recentActions'], horizon: number): void {
  if ((recent[RECENT_ACTIONS_PRUNE_BATCH - 1]?.atMs ?? horizon) >= horizon) return;
  const fresh = recent.findIndex((a) => a.atMs >= horizon);
  recent.splice(0, fresh === -1 ? recent.length : fresh);
}

function escalated(book: ReliabilityBook, caseId: string): void {
  const open = book.open.get(caseId);
  if (!open || open.escalated) return;
  open.escalated = true;
  open.personStepped = true;
  book.cases.escalated += 1;
}

function resolved(book: ReliabilityBook, event: JarvisEventOf<'IncidentResolved'>): void {
  const open = book.open.get(event.correlationId);
  if (!open) return;
  book.open.delete(event.correlationId);
  const resolution = event.data.resolution;
  if (resolution === 'remediated') {
    book.cases.remediated += 1;
    if (!open.personStepped) book.cases.remediatedAlone += 1;
    const mttrMs = instantMs(event.time) - open.faultAtMs;
    sample(book.mttrMsByCheck, open.check, mttrMs);
    for (const action of open.actions) sample(book.mttrMsByAction, action, mttrMs);
  } else if (resolution === 'recovered') book.cases.recovered += 1;
  else if (resolution === 'withdrawn') book.cases.withdrawn += 1;
  // Now one incident with its root: counted there, not twice, and its detection is the root's, not one of its own.
  else if (resolution === 'merged') {
    book.cases.detected -= 1;
    unsample(book.mttdMsByCheck, open.check, open.mttdMs);
  } else assertNever(resolution);
}

/** Takes back the latest sample equal to `value`; gone already when a thousand later ones pushed it out. */
function unsample(samples: Map<string, number[]>, key: string, value: number): void {
  const list = samples.get(key);
  const at = list?.lastIndexOf(value) ?? -1;
  if (!list || at === -1) return;
  list.splice(at, 1);
  if (list.length === 0) samples.delete(key);
}

function sample(samples: Map<string, number[]>, key: string, value: number): void {
  const list = samples.get(key) ?? [];
  list.push(Math.max(0, value));
  if (list.length > RELIABILITY_SAMPLE_LIMIT) list.shift();
  samples.set(key, list);
}
