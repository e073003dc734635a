import 'reflect-metadata';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsDefined, IsIn, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import { DdclientConfig } from '@jarvis/config';
import type { TargetRef } from '@jarvis/contracts';
import type { ActionDescriptor, ActionOffer, ActionOutcome, ActionRun, Reobservation, RemediationAction, TargetFacts, VerificationVerdict } from '../../remediation-action.js';
import type { ConfigApplyPort } from './config-apply-port.js';
import type { DdclientPort } from './ddclient-port.js';
import { reobserveDdclient, verifyDdclient } from './ddclient-looks.js';
import { ddclientPublishedSince } from './ddclient-publications.js';
import { runProblem } from './fix-ddclient.js';

export const RESTORE_DDCLIENT_CREDENTIALS = 'infrastructure_restore_ddclient_credentials';

/** The settings that say who ddclient is to its DNS provider; nothing else is restored. */
export const CREDENTIAL_KEYS = ['login', 'password', 'server'] as const;

/** Room for the config editor's apply (validation, backup, health) around ddclient's own run timeout. */
const APPLY_MARGIN_MS = 30_000;

export class RestoreKnownGoodChange {
  @IsIn(['restore_known_good'])
  kind!: 'restore_known_good';

  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,200}$/, { message: 'must be the plain file name of a known-good copy' })
  knownGood!: string;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(CREDENTIAL_KEYS.length)
  @IsIn(CREDENTIAL_KEYS, { each: true })
  keys!: string[];
}

/** The edit itself (a ConfigEditSpec): the approval's digest covers exactly the copy and the keys restored. */
export class RestoreDdclientCredentialsParams {
  @IsString()
  @MaxLength(4096)
  path!: string;

  @IsIn(['ddclient'])
  format!: 'ddclient';

  @IsDefined()
  @ValidateNested()
  @Type(() => RestoreKnownGoodChange)
  change!: RestoreKnownGoodChange;
}

/**
 * High risk: it changes a credential, so a person approves it (seeing the masked diff) unless the autonomy is
 * raised. Offered only when the config editor holds a known-good copy of this ddclient.conf; once per incident.
 */
export function describeRestoreDdclientCredentials(ddclient: DdclientConfig | undefined): ActionDescriptor<RestoreDdclientCredentialsParams> {
  const appliesTo = (target: TargetRef) => ddclient?.name === target.id;
  return {
    name: RESTORE_DDCLIENT_CREDENTIALS,
    kind: 'ddclient',
    risk: 'high',
    params: RestoreDdclientCredentialsParams,
    defaultParams: () => Object.assign(new RestoreDdclientCredentialsParams(), { path: ddclient?.config ?? '', format: 'ddclient' as const }),
    deadlineMs: (ddclient ?? new DdclientConfig()).runTimeoutSeconds * 1000 + APPLY_MARGIN_MS,
    maxAttemptsPerIncident: 1,
    editsConfig: true,
    appliesTo,
    offer: (target, facts) => offerRestore(ddclient, target, facts),
  };
}

function offerRestore(ddclient: DdclientConfig | undefined, target: TargetRef, { knownGood }: TargetFacts): ActionOffer<RestoreDdclientCredentialsParams> {
  if (!ddclient || ddclient.name !== target.id) return { unavailable: `${target.id} is not the ddclient in jarvis.yaml` };
  if (!knownGood) return { unavailable: `no known-good copy of ${ddclient.config} is recorded (ddclient was never seen publishing with it), so the right credentials are unknown` };
  const change = Object.assign(new RestoreKnownGoodChange(), { kind: 'restore_known_good' as const, knownGood: knownGood.knownGood, keys: [...CREDENTIAL_KEYS] });
  return { params: Object.assign(new RestoreDdclientCredentialsParams(), { path: knownGood.path, format: 'ddclient' as const, change }) };
}

/**
 * Puts login, password and server back as they were when ddclient last published, through the config editor
 * (backup, validation, rollback; the values never leave it), then forces ddclient's update so the record is
 * published at once. A repeat of the same run gets the editor's recorded outcome (one edit per action id) and forces
 * the update again.
 */
export class RestoreDdclientCredentials implements RemediationAction<RestoreDdclientCredentialsParams> {
  readonly name: string;
  readonly kind;
  readonly risk;
  readonly params;
  readonly defaultParams;
  readonly deadlineMs: number;
  readonly maxAttemptsPerIncident?: number;
  readonly editsConfig?: boolean;
  readonly offer;

  constructor(
    private readonly ddclient: DdclientConfig | undefined,
    private readonly port: DdclientPort,
    private readonly configEditor: ConfigApplyPort,
  ) {
    const d = describeRestoreDdclientCredentials(ddclient);
    ({ name: this.name, kind: this.kind, risk: this.risk, params: this.params, defaultParams: this.defaultParams, deadlineMs: this.deadlineMs, maxAttemptsPerIncident: this.maxAttemptsPerIncident, editsConfig: this.editsConfig, offer: this.offer } = d);
  }

  appliesTo(target: TargetRef): boolean {
    return this.ddclient?.name === target.id;
  }

  /**
   * Its last step, the forced update, shows in ddclient's cache. The executor asks this only once the log holds the
   * edit's ConfigApplied (the edit itself is answered from the log), and waits for it as for fix_ddclient.
   */
  async alreadyDone(target: TargetRef, _params: RestoreDdclientCredentialsParams, since: Date): Promise<boolean> {
    return ddclientPublishedSince(this.configured(target), this.port, since, this.deadlineMs);
  }

  async reobserve(target: TargetRef): Promise<Reobservation> {
    return reobserveDdclient(target, this.configured(target), this.port, this.deadlineMs);
  }

  async execute(target: TargetRef, params: RestoreDdclientCredentialsParams, signal: AbortSignal, run?: ActionRun): Promise<ActionOutcome> {
    const ddclient = this.configured(target);
    if (!ddclient) throw new Error(`target.id: ${target.id} is not the ddclient in jarvis.yaml`);
    if (!run) throw new Error('a config edit needs the run it belongs to (action and case ids)');
    const edit = { path: params.path, format: params.format, change: { kind: params.change.kind, knownGood: params.change.knownGood, keys: [...params.change.keys] } };
    const reply = await this.configEditor.apply({ actionId: run.actionId, caseId: run.caseId, target, action: this.name, edit, ...(run.approvalId ? { approvalId: run.approvalId } : {}) }, signal);
    if (reply.outcome !== 'applied') throw new Error(`the config editor did not apply the restore (${reply.outcome}): ${reply.reason}`);
    const forced = await this.port.forceUpdate(ddclient, signal);
    const problem = runProblem(forced, ddclient.runTimeoutSeconds);
    if (problem) throw new Error(`credentials restored from ${params.change.knownGood}, but ${problem}`);
    return {
      result: `restored ${params.change.keys.join(', ')} from ${params.change.knownGood} (backup ${reply.backupPath ?? 'none'}); ddclient -force updated ${forced.hosts.map((h) => h.host).join(', ')}`,
      details: { hostsUpdated: forced.hosts.length },
    };
  }

  async verify(target: TargetRef): Promise<VerificationVerdict> {
    return verifyDdclient(target, this.configured(target), this.port, this.deadlineMs);
  }

  private configured(target: TargetRef): DdclientConfig | undefined {
    return this.appliesTo(target) ? this.ddclient : undefined;
  }
}
