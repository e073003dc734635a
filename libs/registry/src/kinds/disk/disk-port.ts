/** What a mount holds, counted like `df`: used / (used + available). */
export type DiskUsageFigures = { totalBytes: number; usedBytes: number; availableBytes: number; usedPercent: number };

export type CleanupRuleName = 'tmp_files' | 'old_logs';

export type Reclaimable = { totalBytes: number; totalFiles: number; largest: Array<{ path: string; bytes: number }> };

export type Cleaned = { bytesFreed: number; deleted: number; skipped: Array<{ path: string; reason: string }> };

/** The port to the filesystem; `@jarvis/disk`'s adapter resolves, guards and deletes. */
export interface DiskPort {
  usage(mount: string): Promise<DiskUsageFigures>;
  /** What a cleanup would delete, largest first: the evidence of a detection. Deletes nothing. */
  reclaimable(rule: CleanupRuleName, folders: readonly string[], maxAgeDays: number, limit: number): Promise<Reclaimable>;
  clean(rule: CleanupRuleName, folders: readonly string[], maxAgeDays: number, signal: AbortSignal): Promise<Cleaned>;
}
