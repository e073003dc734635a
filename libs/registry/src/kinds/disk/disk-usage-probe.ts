import type { DiskConfig } from '@jarvis/config';
import { targetOf, type TargetRef } from '@jarvis/contracts';
import type { ProbeFinding, ScheduledProbe } from '../../scheduled-probe.js';
import type { DiskPort, Reclaimable } from './disk-port.js';
import { DISK_USAGE_CHECK, judgeDiskUsage } from './disk-usage-check.js';

const EVIDENCE_FILES = 5;

/** Reads one mount's usage; only when it is over the threshold does it also look for what could be reclaimed. */
export class DiskUsageProbe implements ScheduledProbe {
  readonly target: TargetRef;
  readonly check = DISK_USAGE_CHECK;
  readonly intervalMs: number;

  constructor(
    private readonly disk: DiskConfig,
    private readonly port: DiskPort,
    readonly timeoutMs: number,
  ) {
    this.target = targetOf('disk', disk.mount);
    this.intervalMs = disk.intervalSeconds * 1000;
  }

  async run(): Promise<ProbeFinding> {
    const usage = await this.port.usage(this.disk.mount);
    const finding = judgeDiskUsage(usage, this.disk, null);
    if (finding.status === 'ok') return finding;
    return judgeDiskUsage(usage, this.disk, await this.reclaimable());
  }

  private async reclaimable(): Promise<Reclaimable> {
    const [tmp, logs] = await Promise.all([
      this.port.reclaimable('tmp_files', this.disk.tmpFolders, this.disk.tmpMaxAgeDays, EVIDENCE_FILES),
      this.port.reclaimable('old_logs', this.disk.logFolders, this.disk.logMaxAgeDays, EVIDENCE_FILES),
    ]);
    const largest = [...tmp.largest, ...logs.largest].sort((a, b) => b.bytes - a.bytes).slice(0, EVIDENCE_FILES);
    return { totalBytes: tmp.totalBytes + logs.totalBytes, totalFiles: tmp.totalFiles + logs.totalFiles, largest };
  }
}
