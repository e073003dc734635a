import type { EventType } from './catalog.js';
import type { IncidentListQuery, IncidentQuery } from './rpc-queries.js';
import type { ConfigEditFormat } from './payloads.js';
import type { ServiceName } from './services.js';
import type { TargetRef } from './target.js';

/**
 * Request/reply subjects. They live outside `jarvis.events.>` so the event stream never stores them, but under
 * `jarvis.>` so `nats sub 'jarvis.>'` shows them too.
 */
export const RPC = {
  health: <S extends ServiceName>(service: S) => `jarvis.rpc.${service}.health` as const,
  auditIncidents: 'jarvis.rpc.audit.incidents',
  auditIncident: 'jarvis.rpc.audit.incident',
  auditReliability: 'jarvis.rpc.audit.reliability',
  monitorTargets: 'jarvis.rpc.monitor.targets',
  monitorDiagnose: 'jarvis.rpc.monitor.diagnose',
  policyApprovals: 'jarvis.rpc.policy.approvals',
  configApply: 'jarvis.rpc.config-editor.apply',
  configPreview: 'jarvis.rpc.config-editor.preview',
} as const;

export type HealthReply = {
  service: ServiceName;
  status: 'up' | 'degraded';
  startedAt: string;
  details: Record<string, string | number | boolean>;
};

export type CheckResultView = {
  check: string;
  target: string;
  status: 'ok' | 'failed' | 'stopped';
  reason: string;
  observedAt: string;
};

export type DiagnoseReply = { results: CheckResultView[] };

export type WatchedTargetView = { target: string; state: string; health: string | null; watchedBecause: string };

/** The watched targets, or why the monitor cannot list them (e.g. the Docker engine is unreachable). */
export type TargetsReply = { targets: WatchedTargetView[] } | { error: string };

export type TimelineEntryView = { id: string; type: EventType; time: string; source: string; summary: string };

/** A check of another target failing because of the incident's target; `chain` runs from it to the root. */
export type ConsequenceView = {
  target: string;
  check: string;
  chain: string[];
  state: 'failing' | 'recovered';
  reason: string;
  linkedAt: string;
  recoveredAt: string | null;
  /** Its own incident, opened before the root failed and merged into this one. */
  mergedIncidentId: string | null;
};

export type IncidentSummaryView = {
  id: string;
  target: string;
  status: 'open' | 'escalated' | 'resolved';
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
  lastCondition: { check: string; status: CheckResultView['status']; reason: string; faultAt: string } | null;
  awaitsDecision: boolean;
  /** Fault to first detection. */
  mttdMs: number;
  /** Fault to verified resolution; null while unresolved. */
  mttrMs: number | null;
  /** Timeline entries left out of the middle of a long timeline. */
  timelineOmitted: number;
  /** What failed because of this incident's target (correlation), each with its state. */
  consequences: ConsequenceView[];
  /** When the root's latest action was verified: it then waits for its consequences. */
  verifiedAt: string | null;
  /** For resolution `merged`: the root incident it became a consequence of. */
  mergedInto: string | null;
};

export type IncidentView = IncidentSummaryView & { timeline: TimelineEntryView[] };

export type IncidentMetricsView = { incidents: number; open: number; escalated: number; resolved: number; mttdMsP50: number | null; mttrMsP50: number | null };

/** `omitted`: the oldest of the incidents asked for, left out so the reply fits one NATS message (max_payload). */
export type IncidentListReply = { incidents: IncidentSummaryView[]; metrics: IncidentMetricsView; omitted?: number };

/** Nearest-rank percentiles over the most recent samples (at most 1,000 per check or action type). */
export type PercentilesView = { samples: number; p50Ms: number | null; p95Ms: number | null };

export type ActionTypeView = { succeeded: number; failed: number; successRate: number | null; minutesSavedEach: number; minutesSaved: number };

/** The reliability figures of the original description, folded from the whole log (GET /api/jarvis/metrics/reliability). */
export type ReliabilityReply = {
  at: string;
  mttd: { all: PercentilesView; byCheck: Record<string, PercentilesView> };
  mttr: { all: PercentilesView; byCheck: Record<string, PercentilesView>; byActionType: Record<string, PercentilesView> };
  incidents: { detected: number; open: number; remediated: number; remediatedWithoutPerson: number; recovered: number; withdrawn: number; escalated: number };
  /** Incidents Jarvis remediated with no person's step (no approval answered, no escalation) / incidents that needed a fix (remediated + escalated); null before any. */
  autonomousFixRate: number | null;
  actionsExecuted: { last24h: number; last7d: number; last30d: number };
  actionTypes: Record<string, ActionTypeView>;
  /** Successful actions × the configured estimate of a person's time for each (reliability.timeSaved). */
  minutesSaved: number;
};

type NoRequest = Record<string, never>;

/** What each subject takes and answers: both sides of a request are typed from here, never cast at the call. */
export type RpcContract = Record<ReturnType<typeof RPC.health>, { request: NoRequest; reply: HealthReply }> & {
  [RPC.auditIncidents]: { request: Partial<Pick<IncidentListQuery, 'status' | 'limit'>>; reply: IncidentListReply };
  [RPC.auditIncident]: { request: IncidentQuery; reply: IncidentView };
  [RPC.auditReliability]: { request: NoRequest; reply: ReliabilityReply };
  [RPC.monitorTargets]: { request: NoRequest; reply: TargetsReply };
  [RPC.monitorDiagnose]: { request: NoRequest; reply: DiagnoseReply };
  [RPC.policyApprovals]: { request: NoRequest; reply: ApprovalsReply };
  [RPC.configApply]: { request: ConfigApplyRequest; reply: ConfigApplyReply };
  [RPC.configPreview]: { request: ConfigPreviewRequest; reply: ConfigPreviewReply };
};

/** A pending approval request: exactly what would run if it were granted, and until when. */
export type ApprovalView = {
  id: string;
  caseId: string;
  target: string;
  action: string;
  params: Record<string, unknown>;
  risk: string;
  digest: string;
  reason: string;
  requestedAt: string;
  expiresAt: string;
  /** The masked unified diff of a config-changing action, as its request recorded it. */
  diff?: string;
  /** For a consequence's remediation under its root's case (`caseId`): the consequence's failing check on `target`. */
  consequenceCheck?: string;
};

export type ApprovalsReply = { approvals: ApprovalView[] };

/** HTTP API: `POST /api/jarvis/approvals/:id/approve` (202). The grant is recorded; the policy answers it in the log. */
export type ApprovalGrantedReply = { grantId: string; requestId: string; digest: string; by: string };

/** HTTP API: `POST /api/jarvis/approvals/:id/reject` (202). */
export type ApprovalRejectedReply = { rejectionId: string; requestId: string; by: string };

export type RpcSubject = keyof RpcContract;
export type RpcRequest<S extends RpcSubject> = RpcContract[S] extends { request: infer R } ? R : never;
export type RpcReply<S extends RpcSubject> = RpcContract[S] extends { reply: infer R } ? R : never;

/** A field of a request and why it was refused. */
export type FieldProblem = { field: string; reason: string };

export const RPC_ERROR_CODES = ['invalid_request', 'not_found', 'unavailable', 'internal'] as const;
export type RpcErrorCode = (typeof RPC_ERROR_CODES)[number];

/**
 * A refusal that crosses the RPC boundary as data: the replying service throws `new RpcException(rpcError(...))`,
 * the caller branches on `code`, never on the wording of `message`.
 */
export type RpcError = { code: RpcErrorCode; message: string; fields: FieldProblem[] };

export function rpcError(code: RpcErrorCode, message: string, fields: FieldProblem[] = []): RpcError {
  return { code, message, fields };
}

export function isRpcError(value: unknown): value is RpcError {
  if (typeof value !== 'object' || value === null) return false;
  const { code, message, fields } = value as Record<string, unknown>;
  return (RPC_ERROR_CODES as readonly unknown[]).includes(code) && typeof message === 'string' && Array.isArray(fields) && fields.every(isFieldProblem);
}

function isFieldProblem(value: unknown): value is FieldProblem {
  return typeof value === 'object' && value !== null && typeof (value as FieldProblem).field === 'string' && typeof (value as FieldProblem).reason === 'string';
}

/** HTTP API: the one body of every error reply of the gateway, 4xx and 5xx alike. */
export const API_ERROR_CODES = [...RPC_ERROR_CODES, 'unauthorized', 'forbidden', 'method_not_allowed', 'conflict', 'payload_too_large', 'unsupported_media_type', 'too_many_requests'] as const;
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];
export type ApiErrorBody = { error: { status: number; code: ApiErrorCode; message: string; fields: FieldProblem[] } };

export type ServiceStatusView = HealthReply | { service: ServiceName; status: 'down'; error: string };

/** HTTP API: `GET /api/jarvis/status`. A part that could not be read says why in place of its value. */
export type StatusReply = {
  status: 'ok' | 'degraded';
  services: (ServiceStatusView | { service: 'gateway'; status: 'up' })[];
  watchedTargets: WatchedTargetView[] | { error: string };
  openIncidents: IncidentSummaryView[] | { error: string };
  metrics: IncidentMetricsView | null;
};

/**
 * A file change as the config editor takes it. `change` is `{ kind: 'set', values: { key: value } }` (dotted keys for
 * YAML and JSON, option names for ddclient.conf) or `{ kind: 'replace_text', old, new }`; a value may be
 * `{ secretFile: name }`, read from `configEditor.secretsFolder` at apply time, so no secret travels in a request.
 * A config-changing action's params are this edit, so an approval's digest covers exactly it.
 */
export type ConfigEditSpec = { path: string; format: ConfigEditFormat; change: Record<string, unknown> };

/** Asks the config editor to apply the edit of a started action: the executor has decided, the editor writes. */
export type ConfigApplyRequest = {
  /** The ActionStarted id: edits are applied once per action id, and this is the causation of every step event. */
  actionId: string;
  caseId: string;
  target: TargetRef;
  /** The action's name: the approval digest is over it, the target and the edit. */
  action: string;
  edit: ConfigEditSpec;
  /** The ApprovalGranted that allows a credential change. */
  approvalId?: string;
};

export const CONFIG_APPLY_OUTCOMES = ['applied', 'rolled_back', 'refused', 'failed'] as const;
export type ConfigApplyOutcome = (typeof CONFIG_APPLY_OUTCOMES)[number];

/** The recorded outcome of an action's edit: the same reply however often it is asked. Secrets are masked. */
export type ConfigApplyReply = {
  actionId: string;
  outcome: ConfigApplyOutcome;
  reason: string;
  /** The masked unified diff; empty when the edit was refused before it was worked out. */
  diff: string;
  needsApproval: boolean;
  backupPath: string | null;
};

export type ConfigPreviewRequest = { edit: ConfigEditSpec };

/** What an edit would change, for an approval request to show; nothing is written or recorded. */
export type ConfigPreviewReply = { path: string; diff: string; needsApproval: boolean };
