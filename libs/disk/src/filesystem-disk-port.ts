import type { Cleaned, CleanupRuleName, DiskPort, DiskUsageFigures, Reclaimable } from '@jarvis/registry';
import { OLD_LOGS_RULE, TMP_FILES_RULE, type CleanupRule } from './cleanup-rules.js';
import { cleanTmpFiles, cleanupOldLogs, findReclaimableCandidates, type CleanupOptions, type CleanupReport } from './disk-cleanup.js';
import { readDiskUsage } from './disk-usage.js';
import { loadWhitelist } from './whitelist.js';

const RULES: Record<CleanupRuleName, { rule: CleanupRule; clean: (options: CleanupOptions) => Promise<CleanupReport> }> = {
  tmp_files: { rule: TMP_FILES_RULE, clean: cleanTmpFiles },
  old_logs: { rule: OLD_LOGS_RULE, clean: cleanupOldLogs },
};

/**
 * The disk kind's port on the real filesystem. The whitelist is resolved again at every use, so a folder swapped for
 * a symlink since the start is refused rather than followed; the clock is read here, at the edge.
 */
export class FilesystemDiskPort implements DiskPort {
  async usage(mount: string): Promise<DiskUsageFigures> {
    const { totalBytes, usedBytes, availableBytes, usedPercent } = await readDiskUsage(mount);
    return { totalBytes, usedBytes, availableBytes, usedPercent };
  }

  async reclaimable(rule: CleanupRuleName, folders: readonly string[], maxAgeDays: number, limit: number): Promise<Reclaimable> {
    if (folders.length === 0) return { totalBytes: 0, totalFiles: 0, largest: [] };
    const evidence = await findReclaimableCandidates(RULES[rule].rule, { folders: await loadWhitelist(folders), now: new Date(), maxAgeDays }, limit);
    return { totalBytes: evidence.totalBytes, totalFiles: evidence.totalFiles, largest: evidence.candidates.map((c) => ({ path: c.path, bytes: c.bytes })) };
  }

  async clean(rule: CleanupRuleName, folders: readonly string[], maxAgeDays: number, signal: AbortSignal): Promise<Cleaned> {
    if (folders.length === 0) return { bytesFreed: 0, deleted: 0, skipped: [] };
    const report = await RULES[rule].clean({ folders: await loadWhitelist(folders), now: new Date(), maxAgeDays, signal });
    return { bytesFreed: report.bytesFreed, deleted: report.deleted.length, skipped: report.skipped };
  }
}
