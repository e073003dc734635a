import type { EventType } from './catalog.js';
import { RPC } from './rpc.js';
import { SERVICE_NAMES, type ServiceName } from './services.js';

/**
 * Services that run an event processor. Each folds every stored event into its own state through its own durable
 * consumer, and each may record `IncidentEscalated` (`redelivery_exhausted`) when it gives up on an event.
 */
export const PROCESSOR_SERVICES = ['monitor', 'policy', 'executor', 'config-editor', 'audit'] as const satisfies readonly ServiceName[];

/** Services that take a single-instance lock (everything stateful: all but the gateway). */
export const SINGLE_INSTANCE_SERVICES = PROCESSOR_SERVICES;

export type EventRoute = {
  /** The only services allowed to append this event type: the NATS identities are generated from this list. */
  publishedBy: readonly ServiceName[];
  /** The services whose handlers act on it (every processor also folds it into its state). */
  handledBy: readonly ServiceName[];
};

/**
 * Who may publish each event type and who acts on it. The mapped type makes a new catalog entry a compile error
 * until it has its line here, and that line is all the NATS permissions and the event docs need.
 */
export const EVENT_ROUTES: { readonly [T in EventType]: EventRoute } = {
  DetectionRecorded: { publishedBy: ['monitor'], handledBy: ['policy', 'audit'] },
  IncidentOpened: { publishedBy: ['monitor'], handledBy: ['policy', 'audit'] },
  RemediationDecided: { publishedBy: ['policy'], handledBy: ['executor', 'audit'] },
  ActionStarted: { publishedBy: ['executor'], handledBy: ['audit'] },
  ActionSucceeded: { publishedBy: ['executor'], handledBy: ['monitor', 'audit'] },
  ActionFailed: { publishedBy: ['executor'], handledBy: ['policy', 'audit'] },
  ActionRefused: { publishedBy: ['executor'], handledBy: ['policy', 'audit'] },
  DecisionSuperseded: { publishedBy: ['executor'], handledBy: ['policy', 'audit'] },
  VerificationPassed: { publishedBy: ['monitor'], handledBy: ['policy', 'audit'] },
  VerificationFailed: { publishedBy: ['monitor'], handledBy: ['policy', 'audit'] },
  IncidentResolved: { publishedBy: ['monitor'], handledBy: ['audit'] },
  IncidentEscalated: { publishedBy: PROCESSOR_SERVICES, handledBy: ['audit'] },
  ApprovalRequested: { publishedBy: ['policy'], handledBy: ['audit'] },
  ApprovalGranted: { publishedBy: ['gateway'], handledBy: ['policy', 'audit'] },
  ApprovalRejected: { publishedBy: ['gateway'], handledBy: ['policy', 'audit'] },
  ApprovalExpired: { publishedBy: ['policy'], handledBy: ['policy', 'audit'] },
  ApprovalRefused: { publishedBy: ['policy', 'gateway'], handledBy: ['audit'] },
  MaintenanceStarted: { publishedBy: ['monitor'], handledBy: ['policy', 'audit'] },
  MaintenanceFinished: { publishedBy: ['monitor'], handledBy: ['audit'] },
  ConfigEditProposed: { publishedBy: ['config-editor'], handledBy: ['audit'] },
  ConfigValidated: { publishedBy: ['config-editor'], handledBy: ['audit'] },
  ConfigBackedUp: { publishedBy: ['config-editor'], handledBy: ['audit'] },
  ConfigApplied: { publishedBy: ['config-editor'], handledBy: ['audit'] },
  ConfigRolledBack: { publishedBy: ['config-editor'], handledBy: ['audit'] },
  ConfigEditFailed: { publishedBy: ['config-editor'], handledBy: ['audit'] },
  ConsequenceLinked: { publishedBy: ['monitor'], handledBy: ['audit'] },
  ConsequenceRecovered: { publishedBy: ['monitor'], handledBy: ['policy', 'audit'] },
  CheckConfirmed: { publishedBy: ['monitor'], handledBy: ['config-editor', 'audit'] },
  ConfigKnownGoodRecorded: { publishedBy: ['config-editor'], handledBy: ['audit'] },
};

export type RpcRoute = {
  subject: string;
  servedBy: ServiceName;
  requestedBy: readonly ServiceName[];
  summary: string;
};

/** Every request/reply subject, the one service that answers it and the services that ask. */
export const RPC_ROUTES: readonly RpcRoute[] = [
  ...SERVICE_NAMES.map((service) => ({ subject: RPC.health(service), servedBy: service, requestedBy: ['gateway'] as const, summary: `health of the ${service} service (HealthReply)` })),
  { subject: RPC.monitorTargets, servedBy: 'monitor', requestedBy: ['gateway'], summary: 'watched targets and their state (TargetsReply)' },
  { subject: RPC.monitorDiagnose, servedBy: 'monitor', requestedBy: ['gateway'], summary: 'runs every check now (DiagnoseReply)' },
  { subject: RPC.auditIncidents, servedBy: 'audit', requestedBy: ['gateway'], summary: 'incidents with MTTD/MTTR (request IncidentListQuery)' },
  { subject: RPC.auditIncident, servedBy: 'audit', requestedBy: ['gateway'], summary: 'one incident with its timeline (request IncidentQuery)' },
  { subject: RPC.auditReliability, servedBy: 'audit', requestedBy: ['gateway'], summary: 'MTTD/MTTR, autonomous fix rate, actions and time saved' },
  { subject: RPC.policyApprovals, servedBy: 'policy', requestedBy: ['gateway'], summary: 'pending approval requests with what each would run (ApprovalsReply)' },
  { subject: RPC.configApply, servedBy: 'config-editor', requestedBy: ['executor'], summary: 'applies the config edit of a started action, once per action id (ConfigApplyReply)' },
  { subject: RPC.configPreview, servedBy: 'config-editor', requestedBy: ['policy', 'gateway'], summary: 'the masked diff of a config edit and whether it needs approval, changing nothing (ConfigPreviewReply)' },
];

export function eventsPublishedBy(service: ServiceName): EventType[] {
  return (Object.keys(EVENT_ROUTES) as EventType[]).filter((type) => EVENT_ROUTES[type].publishedBy.includes(service));
}

export function rpcServedBy(service: ServiceName): RpcRoute[] {
  return RPC_ROUTES.filter((route) => route.servedBy === service);
}

export function rpcRequestedBy(service: ServiceName): RpcRoute[] {
  return RPC_ROUTES.filter((route) => route.requestedBy.includes(service));
}

/** A stream besides the event log, appended to by one service only: the NATS identities are generated from this list. */
export type RecordStream = { stream: string; subject: string; publishedBy: ServiceName; summary: string };

export const AUDIT_CHECKPOINT_STREAM = 'JARVIS_AUDIT';
export const AUDIT_CHECKPOINT_SUBJECT = 'jarvis.audit.checkpoints';

export const RECORD_STREAMS: readonly RecordStream[] = [
  { stream: AUDIT_CHECKPOINT_STREAM, subject: AUDIT_CHECKPOINT_SUBJECT, publishedBy: 'audit', summary: "the audit chain's checkpoints over JARVIS_EVENTS (jarvis audit verify reads them)" },
];

export function recordStreamsPublishedBy(service: ServiceName): RecordStream[] {
  return RECORD_STREAMS.filter((record) => record.publishedBy === service);
}
