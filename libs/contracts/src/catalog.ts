import {
  ActionFailedData,
  ActionRefusedData,
  ActionStartedData,
  ApprovalExpiredData,
  ConfigAppliedData,
  ConfigBackedUpData,
  ConfigEditFailedData,
  ConfigEditProposedData,
  ConfigRolledBackData,
  ConfigValidatedData,
  ConsequenceLinkedData,
  ConsequenceRecoveredData,
  ApprovalGrantedData,
  ApprovalRefusedData,
  ApprovalRejectedData,
  ApprovalRequestedData,
  ActionSucceededData,
  DecisionSupersededData,
  DetectionRecordedData,
  IncidentEscalatedData,
  IncidentOpenedData,
  IncidentResolvedData,
  MaintenanceFinishedData,
  MaintenanceStartedData,
  RemediationDecidedData,
  VerificationFailedData,
  VerificationPassedData,
  CheckConfirmedData,
  ConfigKnownGoodRecordedData,
} from './payloads.js';

/** Every stored event is published under this prefix; the event stream captures exactly `jarvis.events.>`. */
export const EVENT_SUBJECT_PREFIX = 'jarvis.events';
export const EVENT_STREAM_NAME = 'JARVIS_EVENTS';

/**
 * The single source of truth for event types: subject, schema version and payload class.
 * Adding an event is one entry here plus its payload class.
 */
export const EVENT_CATALOG = {
  DetectionRecorded: { subject: `${EVENT_SUBJECT_PREFIX}.detection.recorded`, version: 2, payload: DetectionRecordedData },
  IncidentOpened: { subject: `${EVENT_SUBJECT_PREFIX}.incident.opened`, version: 2, payload: IncidentOpenedData },
  RemediationDecided: { subject: `${EVENT_SUBJECT_PREFIX}.remediation.decided`, version: 2, payload: RemediationDecidedData },
  ActionStarted: { subject: `${EVENT_SUBJECT_PREFIX}.action.started`, version: 2, payload: ActionStartedData },
  ActionSucceeded: { subject: `${EVENT_SUBJECT_PREFIX}.action.succeeded`, version: 2, payload: ActionSucceededData },
  ActionFailed: { subject: `${EVENT_SUBJECT_PREFIX}.action.failed`, version: 2, payload: ActionFailedData },
  ActionRefused: { subject: `${EVENT_SUBJECT_PREFIX}.action.refused`, version: 2, payload: ActionRefusedData },
  DecisionSuperseded: { subject: `${EVENT_SUBJECT_PREFIX}.decision.superseded`, version: 2, payload: DecisionSupersededData },
  VerificationPassed: { subject: `${EVENT_SUBJECT_PREFIX}.verification.passed`, version: 2, payload: VerificationPassedData },
  VerificationFailed: { subject: `${EVENT_SUBJECT_PREFIX}.verification.failed`, version: 2, payload: VerificationFailedData },
  IncidentResolved: { subject: `${EVENT_SUBJECT_PREFIX}.incident.resolved`, version: 2, payload: IncidentResolvedData },
  IncidentEscalated: { subject: `${EVENT_SUBJECT_PREFIX}.incident.escalated`, version: 2, payload: IncidentEscalatedData },
  ApprovalRequested: { subject: `${EVENT_SUBJECT_PREFIX}.approval.requested`, version: 1, payload: ApprovalRequestedData },
  ApprovalGranted: { subject: `${EVENT_SUBJECT_PREFIX}.approval.granted`, version: 1, payload: ApprovalGrantedData },
  ApprovalRejected: { subject: `${EVENT_SUBJECT_PREFIX}.approval.rejected`, version: 1, payload: ApprovalRejectedData },
  ApprovalExpired: { subject: `${EVENT_SUBJECT_PREFIX}.approval.expired`, version: 1, payload: ApprovalExpiredData },
  ApprovalRefused: { subject: `${EVENT_SUBJECT_PREFIX}.approval.refused`, version: 1, payload: ApprovalRefusedData },
  MaintenanceStarted: { subject: `${EVENT_SUBJECT_PREFIX}.maintenance.started`, version: 1, payload: MaintenanceStartedData },
  MaintenanceFinished: { subject: `${EVENT_SUBJECT_PREFIX}.maintenance.finished`, version: 1, payload: MaintenanceFinishedData },
  ConfigEditProposed: { subject: `${EVENT_SUBJECT_PREFIX}.config.proposed`, version: 1, payload: ConfigEditProposedData },
  ConfigValidated: { subject: `${EVENT_SUBJECT_PREFIX}.config.validated`, version: 1, payload: ConfigValidatedData },
  ConfigBackedUp: { subject: `${EVENT_SUBJECT_PREFIX}.config.backedup`, version: 1, payload: ConfigBackedUpData },
  ConfigApplied: { subject: `${EVENT_SUBJECT_PREFIX}.config.applied`, version: 1, payload: ConfigAppliedData },
  ConfigRolledBack: { subject: `${EVENT_SUBJECT_PREFIX}.config.rolledback`, version: 1, payload: ConfigRolledBackData },
  ConfigEditFailed: { subject: `${EVENT_SUBJECT_PREFIX}.config.failed`, version: 1, payload: ConfigEditFailedData },
  ConsequenceLinked: { subject: `${EVENT_SUBJECT_PREFIX}.consequence.linked`, version: 1, payload: ConsequenceLinkedData },
  ConsequenceRecovered: { subject: `${EVENT_SUBJECT_PREFIX}.consequence.recovered`, version: 1, payload: ConsequenceRecoveredData },
  CheckConfirmed: { subject: `${EVENT_SUBJECT_PREFIX}.check.confirmed`, version: 1, payload: CheckConfirmedData },
  ConfigKnownGoodRecorded: { subject: `${EVENT_SUBJECT_PREFIX}.config.knowngood`, version: 1, payload: ConfigKnownGoodRecordedData },
} as const;

export type EventCatalog = typeof EVENT_CATALOG;
export type EventType = keyof EventCatalog;
export type EventData<T extends EventType> = InstanceType<EventCatalog[T]['payload']>;

export const EVENT_TYPES = Object.keys(EVENT_CATALOG) as EventType[];

export function isEventType(value: unknown): value is EventType {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(EVENT_CATALOG, value);
}

export function subjectOf(type: EventType): string {
  return EVENT_CATALOG[type].subject;
}
