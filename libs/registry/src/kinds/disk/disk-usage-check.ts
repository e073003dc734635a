import type { DiskConfig } from '@jarvis/config';
import type { ProbeFinding } from '../../scheduled-probe.js';
import type { DiskUsageFigures, Reclaimable } from './disk-port.js';

export const DISK_USAGE_CHECK = 'disk_usage';

/** At or above the mount's warnPercent is a failure; the reason carries the figures and what could be reclaimed. */
export function judgeDiskUsage(usage: DiskUsageFigures, disk: Pick<DiskConfig, 'warnPercent'>, reclaimable: Reclaimable | null): ProbeFinding {
  const figures = `${usage.usedPercent.toFixed(1)}% used (${mib(usage.usedBytes)} of ${mib(usage.usedBytes + usage.availableBytes)}, warn at ${disk.warnPercent}%)`;
  if (usage.usedPercent < disk.warnPercent) return { status: 'ok', reason: figures };
  return { status: 'failed', reason: reclaimable ? `${figures}; ${describeReclaimable(reclaimable)}` : figures };
}

export function describeReclaimable({ totalBytes, totalFiles, largest }: Reclaimable): string {
  if (totalFiles === 0) return 'nothing reclaimable in the whitelisted folders';
  const top = largest.slice(0, 3).map((c) => `${c.path} (${mib(c.bytes)})`);
  return `${mib(totalBytes)} reclaimable in ${totalFiles} files, largest ${top.join(', ')}`;
}

export function mib(bytes: number): string {
  return `${(bytes / 1_048_576).toFixed(1)} MiB`;
}
