import { assertNever, targetKey, type JarvisEvent } from '@jarvis/contracts';

export type IncidentStatus = 'open' | 'escalated' | 'resolved';

export type TimelineEntry = { id: string; type: JarvisEvent['type']; time: string; source: string; summary: string };

export type IncidentRecord = {
  id: string;
  target: string;
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
  lastDetectionAt: string;
  /** Fault to first detection. */
  mttdMs: number;
  /** Fault to verified resolution; null while unresolved. */
  mttrMs: number | null;
  timeline: TimelineEntry[];
};

/** Every incident, and which one is open per target. Built from the log by both audit and monitor. */
export type IncidentBook = {
  byId: Map<string, IncidentRecord>;
  openByTarget: Map<string, string>;
  /** Detections recorded before their incident's IncidentOpened arrived (same correlation id). */
  earlyDetections: Map<string, JarvisEvent>;
};

export function emptyIncidentBook(): IncidentBook {
  return { byId: new Map(), openByTarget: new Map(), earlyDetections: new Map() };
}

/** Folds one fact in; mutates and returns the book it is given (the caller owns it). */
export function evolveIncidents(book: IncidentBook, event: JarvisEvent): IncidentBook {
  const incident = book.byId.get(event.correlationId);
  switch (event.type) {
    case 'IncidentOpened': {
      const detection = book.earlyDetections.get(event.correlationId);
      book.earlyDetections.delete(event.correlationId);
      const detectedAt = detection?.time ?? event.time;
      const record: IncidentRecord = {
        id: event.correlationId,
        target: targetKey(event.data.target),
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
        lastDetectionAt: detectedAt,
        mttdMs: Math.max(0, Date.parse(detectedAt) - Date.parse(event.data.faultAt)),
        mttrMs: null,
        timeline: detection ? [entry(detection)] : [],
      };
      book.byId.set(record.id, record);
      book.openByTarget.set(record.target, record.id);
      break;
    }
    case 'DetectionRecorded':
      if (!incident) book.earlyDetections.set(event.correlationId, event);
      else incident.lastDetectionAt = event.time;
      break;
    case 'RemediationDecided':
      if (incident) {
        incident.decisions += 1;
        if (event.data.outcome === 'execute') incident.pendingDecisionId = event.id;
      }
      break;
    case 'ActionStarted':
      if (incident) incident.actions += 1;
      break;
    case 'ActionFailed':
    case 'ActionRefused':
    case 'DecisionSuperseded':
    case 'VerificationPassed':
    case 'VerificationFailed':
      if (incident && incident.pendingDecisionId === event.data.decisionId) incident.pendingDecisionId = null;
      break;
    case 'IncidentEscalated':
      if (incident && incident.status === 'open') incident.status = 'escalated';
      break;
    case 'IncidentResolved':
      if (incident) {
        incident.status = 'resolved';
        incident.resolvedAt = event.time;
        incident.resolution = event.data.resolution;
        incident.pendingDecisionId = null;
        incident.mttrMs = Math.max(0, Date.parse(event.time) - Date.parse(incident.faultAt));
        if (book.openByTarget.get(incident.target) === incident.id) book.openByTarget.delete(incident.target);
      }
      break;
    case 'ActionSucceeded':
      break;
    default:
      return assertNever(event);
  }
  book.byId.get(event.correlationId)?.timeline.push(entry(event));
  return book;
}

export function openIncidentFor(book: IncidentBook, target: string): IncidentRecord | undefined {
  const id = book.openByTarget.get(target);
  return id ? book.byId.get(id) : undefined;
}

function entry(event: JarvisEvent): TimelineEntry {
  return { id: event.id, type: event.type, time: event.time, source: event.source, summary: summarize(event) };
}

export function summarize(event: JarvisEvent): string {
  switch (event.type) {
    case 'DetectionRecorded':
      return `${event.data.check} ${event.data.status}: ${event.data.reason}`;
    case 'IncidentOpened':
      return event.data.summary;
    case 'RemediationDecided':
      return `${event.data.outcome} ${event.data.action} (${event.data.rule}): ${event.data.reason}`;
    case 'ActionStarted':
      return `${event.data.action} attempt ${event.data.attempt}`;
    case 'ActionSucceeded':
      return `${event.data.action}: ${event.data.result} in ${event.data.durationMs} ms`;
    case 'ActionFailed':
      return `${event.data.action}: ${event.data.error}`;
    case 'ActionRefused':
      return `${event.data.action} refused (${event.data.refusal}): ${event.data.reason}`;
    case 'DecisionSuperseded':
      return `${event.data.action} not needed any more: ${event.data.evidence}`;
    case 'VerificationPassed':
      return event.data.evidence;
    case 'VerificationFailed':
      return event.data.reason;
    case 'IncidentResolved':
      return `${event.data.resolution}: ${event.data.reason}`;
    case 'IncidentEscalated':
      return `${event.data.rule}: ${event.data.reason}`;
    default:
      return assertNever(event);
  }
}
