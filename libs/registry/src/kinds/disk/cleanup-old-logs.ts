import type { FolderCleanupRule } from './folder-cleanup.js';

export const CLEANUP_OLD_LOGS = 'cleanup_old_logs';

/** Rotated or compressed logs in the disk's logFolders, never a live log. Low risk: rotation already retired them. */
export const CLEANUP_OLD_LOGS_RULE: FolderCleanupRule = {
  name: CLEANUP_OLD_LOGS,
  risk: 'low',
  rule: 'old_logs',
  folders: (disk) => disk.logFolders,
  maxAgeDays: (disk) => disk.logMaxAgeDays,
};
