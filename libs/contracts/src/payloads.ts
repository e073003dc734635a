import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  Matches,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsBoundedRecord } from './bounded-record.js';
import { TargetRef } from './target.js';

export const DETECTION_STATUSES = ['failed', 'stopped', 'ok'] as const;
export type DetectionStatus = (typeof DETECTION_STATUSES)[number];

/** How much harm an action can do if it is wrong: what decides whether a person must approve it first. */
export const RISK_LEVELS = ['low', 'medium', 'high'] as const;
export type Risk = (typeof RISK_LEVELS)[number];

/** An action's parameters as carried by events; each action validates them against its own class before use. */
export type ActionParams = Record<string, unknown>;

/** What an action reports it achieved, for people and metrics (e.g. `bytesFreed`). */
export type ActionDetails = Record<string, string | number | boolean>;

export const DECISION_OUTCOMES = ['execute', 'needs_approval', 'denied'] as const;
export type DecisionOutcome = (typeof DECISION_OUTCOMES)[number];

/**
 * `withdrawn`: the owner stopped or removed the target while its incident was open; Jarvis leaves it be. `merged`:
 * a failing dependency of the target opened its incident later, and this one became a consequence of it.
 */
export const RESOLUTIONS = ['remediated', 'recovered', 'withdrawn', 'merged'] as const;
export type Resolution = (typeof RESOLUTIONS)[number];

abstract class TargetedData {
  @IsDefined()
  @ValidateNested()
  @Type(() => TargetRef)
  target!: TargetRef;
}

export class DetectionRecordedData extends TargetedData {
  @IsString()
  @MaxLength(64)
  check!: string;

  @IsIn(DETECTION_STATUSES)
  status!: DetectionStatus;

  @IsString()
  @MaxLength(1024)
  reason!: string;

  /** When the fault happened as far as the source can tell (Docker's event time, first failing probe). */
  @IsISO8601({ strict: true })
  faultAt!: string;
}

export class IncidentOpenedData extends TargetedData {
  /** The check that failed: incidents are kept per target and check. */
  @IsString()
  @MaxLength(64)
  check!: string;

  @IsUUID()
  detectionId!: string;

  @IsISO8601({ strict: true })
  faultAt!: string;

  @IsString()
  @MaxLength(1024)
  summary!: string;
}

/** An action chosen for a target: what a decision carries out and what an approval request is about. */
abstract class ChosenActionData extends TargetedData {
  @IsString()
  @MaxLength(64)
  action!: string;

  @IsBoundedRecord('params')
  params!: ActionParams;

  @IsIn(RISK_LEVELS)
  risk!: Risk;
}

export class RemediationDecidedData extends ChosenActionData {
  @IsIn(DECISION_OUTCOMES)
  outcome!: DecisionOutcome;

  @IsString()
  @MaxLength(64)
  rule!: string;

  @IsString()
  @MaxLength(1024)
  reason!: string;

  @IsInt()
  @Min(1)
  attempt!: number;

  /** Backoff: the executor does not act before this time. */
  @IsISO8601({ strict: true })
  notBefore!: string;

  /** The ApprovalGranted this execute decision carries out: the executor checks it before acting. */
  @IsOptional()
  @IsUUID()
  approvalId?: string;

  /**
   * Set when the decision remediates a consequence of the incident (a target its root explains) once the root is
   * verified: the consequence's failing check, on the decision's target. Absent for the incident's own check.
   */
  @IsOptional()
  @IsString()
  @MaxLength(64)
  consequenceCheck?: string;
}

abstract class ActionData extends TargetedData {
  @IsUUID()
  decisionId!: string;

  @IsString()
  @MaxLength(64)
  action!: string;
}

export class ActionStartedData extends ActionData {
  @IsInt()
  @Min(1)
  attempt!: number;

  /** Exactly what ran. */
  @IsBoundedRecord('params')
  params!: ActionParams;
}

export class ActionSucceededData extends ActionData {
  @IsString()
  @MaxLength(1024)
  result!: string;

  @IsBoundedRecord('details')
  details!: ActionDetails;

  @IsInt()
  @Min(0)
  durationMs!: number;
}

export class ActionFailedData extends ActionData {
  @IsString()
  @MaxLength(1024)
  error!: string;

  @IsInt()
  @Min(0)
  durationMs!: number;
}

/**
 * Why the executor refused a decision without acting: each is a decision it must not trust (forged, replayed or
 * left over), so nothing ran.
 */
export const REFUSAL_REASONS = ['target_not_watched', 'no_open_case', 'not_the_pending_decision', 'decision_stale', 'unknown_action', 'invalid_params', 'approval_missing'] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

export class ActionRefusedData extends ActionData {
  @IsIn(REFUSAL_REASONS)
  refusal!: RefusalReason;

  @IsString()
  @MaxLength(1024)
  reason!: string;
}

/** The fault a decision answered no longer held when the executor looked again (recovered, or started by its owner). */
export class DecisionSupersededData extends ActionData {
  @IsString()
  @MaxLength(1024)
  evidence!: string;
}

export class VerificationPassedData extends TargetedData {
  @IsUUID()
  decisionId!: string;

  @IsString()
  @MaxLength(1024)
  evidence!: string;
}

export class VerificationFailedData extends TargetedData {
  @IsUUID()
  decisionId!: string;

  @IsString()
  @MaxLength(1024)
  reason!: string;
}

export class IncidentResolvedData extends TargetedData {
  @IsIn(RESOLUTIONS)
  resolution!: Resolution;

  @IsString()
  @MaxLength(1024)
  reason!: string;

  /** For `merged`: the root incident this one now belongs to (absent from every other resolution). */
  @IsOptional()
  @IsUUID()
  mergedInto?: string;
}

/** The most dependencies a chain names: far beyond any homelab's depth, small enough for one event. */
export const MAX_CHAIN_LENGTH = 16;

/**
 * A failing check explained by a failing dependency: it joins the dependency's incident (the event's correlation id)
 * instead of opening its own. `target` and `check` are the consequence's; `chain` runs from it to the root.
 */
export class ConsequenceLinkedData extends TargetedData {
  @IsString()
  @MaxLength(64)
  check!: string;

  @IsString()
  @MaxLength(1024)
  reason!: string;

  @IsISO8601({ strict: true })
  faultAt!: string;

  /** Target keys from the consequence to the root's target, both included. */
  @IsArray()
  @ArrayMinSize(2)
  @ArrayMaxSize(MAX_CHAIN_LENGTH)
  @IsString({ each: true })
  @MaxLength(300, { each: true })
  chain!: string[];

  /** The consequence's own incident, when it was opened before its root failed and is merged by this link. */
  @IsOptional()
  @IsUUID()
  mergedIncidentId?: string;
}

/** A consequence's check passes again: its root incident may resolve once the root is fixed and all have recovered. */
export class ConsequenceRecoveredData extends TargetedData {
  @IsString()
  @MaxLength(64)
  check!: string;

  @IsString()
  @MaxLength(1024)
  reason!: string;
}

export class IncidentEscalatedData extends TargetedData {
  @IsString()
  @MaxLength(64)
  rule!: string;

  @IsString()
  @MaxLength(1024)
  reason!: string;

  @IsInt()
  @Min(0)
  attempts!: number;

  @IsOptional()
  @IsISO8601({ strict: true })
  retryAfter?: string;
}

/** A SHA-256 in hex: what an approval is about, and what a grant names. */
const DIGEST_PATTERN = /^[0-9a-f]{64}$/;

/** A person is asked to approve exactly this action, with these parameters, on this target, before it expires. */
export class ApprovalRequestedData extends ChosenActionData {
  /** The needs_approval decision that asked. */
  @IsUUID()
  decisionId!: string;

  /** `approvalDigest` of the action, target and params: a grant executes only the request whose digest it names. */
  @Matches(DIGEST_PATTERN, { message: 'must be a SHA-256 digest in hex' })
  digest!: string;

  @IsISO8601({ strict: true })
  expiresAt!: string;

  @IsString()
  @MaxLength(1024)
  reason!: string;

  /** For an action whose params are a config edit: the unified diff it would make, every secret masked. */
  @IsOptional()
  @IsString()
  @MaxLength(16384)
  diff?: string;

  /** Set when the request is for a consequence's remediation under its root's case: the consequence's failing check. */
  @IsOptional()
  @IsString()
  @MaxLength(64)
  consequenceCheck?: string;
}

/** Who approved which request, naming the digest they saw. */
export class ApprovalGrantedData extends TargetedData {
  @IsUUID()
  requestId!: string;

  @Matches(DIGEST_PATTERN, { message: 'must be a SHA-256 digest in hex' })
  digest!: string;

  @IsString()
  @MaxLength(128)
  by!: string;
}

export class ApprovalRejectedData extends TargetedData {
  @IsUUID()
  requestId!: string;

  @IsString()
  @MaxLength(128)
  by!: string;

  @IsString()
  @MaxLength(1024)
  reason!: string;
}

export class ApprovalExpiredData extends TargetedData {
  @IsUUID()
  requestId!: string;
}

/** Why a grant (or an attempt at one) executed nothing. */
export const APPROVAL_REFUSALS = ['unknown_request', 'not_pending', 'expired', 'digest_mismatch', 'unauthenticated'] as const;
export type ApprovalRefusal = (typeof APPROVAL_REFUSALS)[number];

export class ApprovalRefusedData extends TargetedData {
  @IsUUID()
  requestId!: string;

  @IsIn(APPROVAL_REFUSALS)
  refusal!: ApprovalRefusal;

  @IsString()
  @MaxLength(1024)
  reason!: string;
}

/** A scheduled maintenance run began: a case of its own (its correlation id derives from the schedule and the slot). */
export class MaintenanceStartedData extends TargetedData {
  /** The schedule's id in jarvis.yaml (`maintenance.schedules[].id`). */
  @IsString()
  @MaxLength(64)
  schedule!: string;

  @IsString()
  @MaxLength(64)
  action!: string;

  @IsBoundedRecord('params')
  params!: ActionParams;

  /** The cron slot this run is for: the same slot never runs twice. */
  @IsISO8601({ strict: true })
  slotAt!: string;
}

export const MAINTENANCE_OUTCOMES = ['done', 'failed', 'skipped'] as const;
export type MaintenanceOutcome = (typeof MAINTENANCE_OUTCOMES)[number];

export class MaintenanceFinishedData extends TargetedData {
  @IsString()
  @MaxLength(64)
  schedule!: string;

  @IsIn(MAINTENANCE_OUTCOMES)
  outcome!: MaintenanceOutcome;

  @IsString()
  @MaxLength(1024)
  reason!: string;
}

/** The formats the config editor can change (its `ConfigEdit.format`). */
export const CONFIG_EDIT_FORMATS = ['caddyfile', 'ddclient', 'yaml', 'json', 'text'] as const;
export type ConfigEditFormat = (typeof CONFIG_EDIT_FORMATS)[number];

/** One step of a config edit: the action it carries out (its ActionStarted, also the causation) and the file's real path. */
abstract class ConfigEditStepData extends TargetedData {
  @IsUUID()
  actionId!: string;

  @IsString()
  @MaxLength(4096)
  path!: string;
}

/** What the edit would change, as a unified diff with every secret masked, and whether it touches a credential. */
export class ConfigEditProposedData extends ConfigEditStepData {
  @IsIn(CONFIG_EDIT_FORMATS)
  format!: ConfigEditFormat;

  @IsString()
  @MaxLength(16384)
  diff!: string;

  @IsBoolean()
  needsApproval!: boolean;

  /** The ApprovalGranted the request cited, if any. */
  @IsOptional()
  @IsUUID()
  approvalId?: string;
}

export class ConfigValidatedData extends ConfigEditStepData {
  /** What judged the new content (`caddy validate`, `json`, `ddclient`). */
  @IsString()
  @MaxLength(64)
  validator!: string;

  @IsString()
  @MaxLength(1024)
  evidence!: string;
}

export class ConfigBackedUpData extends ConfigEditStepData {
  @IsString()
  @MaxLength(4096)
  backupPath!: string;

  /**
   * HMAC-SHA256 of the new content keyed with the old content (the backup): after a crash it tells whether the file
   * holds this edit, yet it is no plain hash of a file with secrets in it.
   */
  @Matches(DIGEST_PATTERN, { message: 'must be a SHA-256 digest in hex' })
  afterDigest!: string;
}

export class ConfigAppliedData extends ConfigEditStepData {
  @IsString()
  @MaxLength(4096)
  backupPath!: string;

  /** What the health check after the replace saw. */
  @IsString()
  @MaxLength(1024)
  health!: string;
}

export class ConfigRolledBackData extends ConfigEditStepData {
  @IsString()
  @MaxLength(4096)
  backupPath!: string;

  @IsString()
  @MaxLength(1024)
  reason!: string;
}

/** Where an edit stopped without changing the file (or, for `rollback`, without restoring it). */
export const CONFIG_EDIT_STAGES = ['path', 'compute', 'approval', 'validation', 'backup', 'deadline', 'replace', 'rollback', 'interrupted', 'conflict'] as const;
export type ConfigEditStage = (typeof CONFIG_EDIT_STAGES)[number];

export class ConfigEditFailedData extends ConfigEditStepData {
  @IsIn(CONFIG_EDIT_STAGES)
  stage!: ConfigEditStage;

  @IsString()
  @MaxLength(1024)
  reason!: string;
}

/**
 * A scheduled check passed for the first time since the monitor started or since it last failed: the target worked
 * as configured then (for ddclient: it published), which is when the config editor keeps a known-good copy.
 */
export class CheckConfirmedData extends TargetedData {
  @IsString()
  @MaxLength(64)
  check!: string;

  @IsString()
  @MaxLength(1024)
  reason!: string;
}

/** The config editor kept a copy (0600, in its backup folder) of a file as it was while its component worked. */
export class ConfigKnownGoodRecordedData extends TargetedData {
  /** The real path of the file copied. */
  @IsString()
  @MaxLength(4096)
  path!: string;

  /** The copy's file name in the editor's known-good folder: what a restoring edit names. */
  @Matches(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,200}$/, { message: 'must be a plain file name' })
  knownGood!: string;

  /** SHA-256 of the copy with every secret value masked: tells copies apart without being a hash of a secret. */
  @Matches(DIGEST_PATTERN, { message: 'must be a SHA-256 digest in hex' })
  maskedDigest!: string;

  /** The CheckConfirmed it answers. */
  @IsUUID()
  confirmationId!: string;
}
