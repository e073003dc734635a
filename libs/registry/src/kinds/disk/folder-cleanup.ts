import 'reflect-metadata';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import type { DiskConfig } from '@jarvis/config';
import type { Risk, TargetRef } from '@jarvis/contracts';
import type { ActionDescriptor, ActionOutcome, Reobservation, RemediationAction, VerificationVerdict } from '../../remediation-action.js';
import { describeReclaimable, judgeDiskUsage, mib } from './disk-usage-check.js';
import type { CleanupRuleName, DiskPort } from './disk-port.js';

export class FolderCleanupParams {
  /** Files older than this many days go; the disk's own setting when absent. */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3650)
  olderThanDays?: number;
}

/** How one cleanup differs from the other: its rule, the folders it may touch and their age setting. */
export type FolderCleanupRule = {
  name: string;
  risk: Risk;
  rule: CleanupRuleName;
  folders: (disk: DiskConfig) => readonly string[];
  maxAgeDays: (disk: DiskConfig) => number;
};

/** Deleting files is slow on a big tree but bounded by the adapter's entry limit: two minutes is generous. */
const CLEANUP_DEADLINE_MS = 120_000;
const EVIDENCE_FILES = 5;

/** One attempt per incident: if the disk is still above its threshold afterwards, a person decides what else may go. */
export function describeFolderCleanup(cleanup: FolderCleanupRule, disks: readonly DiskConfig[]): ActionDescriptor<FolderCleanupParams> {
  return {
    name: cleanup.name,
    kind: 'disk',
    risk: cleanup.risk,
    params: FolderCleanupParams,
    defaultParams: (target) => {
      const disk = disks.find((d) => target.kind === 'disk' && d.mount === target.id);
      return Object.assign(new FolderCleanupParams(), disk ? { olderThanDays: cleanup.maxAgeDays(disk) } : {});
    },
    deadlineMs: CLEANUP_DEADLINE_MS,
    maxAttemptsPerIncident: 1,
  };
}

/** Frees space on one configured mount by deleting old files inside its whitelisted folders only. */
export class FolderCleanup implements RemediationAction<FolderCleanupParams> {
  readonly name: string;
  readonly kind;
  readonly risk: Risk;
  readonly params;
  readonly defaultParams;
  readonly deadlineMs: number;
  readonly maxAttemptsPerIncident;

  constructor(
    private readonly cleanup: FolderCleanupRule,
    private readonly disks: readonly DiskConfig[],
    private readonly port: DiskPort,
  ) {
    ({
      name: this.name,
      kind: this.kind,
      risk: this.risk,
      params: this.params,
      defaultParams: this.defaultParams,
      deadlineMs: this.deadlineMs,
      maxAttemptsPerIncident: this.maxAttemptsPerIncident,
    } = describeFolderCleanup(cleanup, disks));
  }

  /** A cleanup is idempotent: a second run finds the same old files already gone and frees nothing more. */
  readonly rerunsWhenInterrupted = true;

  async alreadyDone(): Promise<boolean> {
    return false;
  }

  async reobserve(target: TargetRef): Promise<Reobservation> {
    const disk = this.diskOf(target);
    if (!disk) return { kind: 'not_watched', reason: `${target.id} is not a disk configured in jarvis.yaml (disks[].mount)` };
    const finding = judgeDiskUsage(await this.port.usage(disk.mount), disk, null);
    return finding.status === 'failed' ? { kind: 'fault_holds' } : { kind: 'superseded', evidence: `disk_usage ok when the executor looked again: ${finding.reason}` };
  }

  async execute(target: TargetRef, params: FolderCleanupParams, signal: AbortSignal): Promise<ActionOutcome> {
    const disk = this.requireDisk(target);
    const folders = this.cleanup.folders(disk);
    const days = params.olderThanDays ?? this.cleanup.maxAgeDays(disk);
    const cleaned = await this.port.clean(this.cleanup.rule, folders, days, signal);
    const skipped = cleaned.skipped.length > 0 ? `; ${cleaned.skipped.length} skipped (first: ${cleaned.skipped[0]!.path}: ${cleaned.skipped[0]!.reason})` : '';
    return {
      result: `freed ${mib(cleaned.bytesFreed)}: deleted ${cleaned.deleted} files older than ${days} days in ${folders.join(', ') || 'no configured folder'}${skipped}`,
      details: { bytesFreed: cleaned.bytesFreed, filesDeleted: cleaned.deleted, filesSkipped: cleaned.skipped.length },
    };
  }

  /** Re-runs the disk check: below the threshold passes; still above fails with what is left, and nothing more is deleted. */
  async verify(target: TargetRef, params: FolderCleanupParams): Promise<VerificationVerdict> {
    const disk = this.diskOf(target);
    if (!disk) return { kind: 'failed', reason: `${target.id} is no longer a configured disk` };
    const usage = await this.port.usage(disk.mount);
    const finding = judgeDiskUsage(usage, disk, null);
    if (finding.status === 'ok') return { kind: 'passed', evidence: finding.reason };
    const days = params.olderThanDays ?? this.cleanup.maxAgeDays(disk);
    const left = await this.port.reclaimable(this.cleanup.rule, this.cleanup.folders(disk), days, EVIDENCE_FILES);
    return { kind: 'failed', reason: `still ${finding.reason} after ${this.name}; ${describeReclaimable(left)}` };
  }

  private diskOf(target: TargetRef): DiskConfig | undefined {
    return target.kind === 'disk' ? this.disks.find((d) => d.mount === target.id) : undefined;
  }

  private requireDisk(target: TargetRef): DiskConfig {
    const disk = this.diskOf(target);
    if (!disk) throw new Error(`${target.id} is not a disk configured in jarvis.yaml`);
    return disk;
  }
}
