import type { FolderCleanupRule } from './folder-cleanup.js';

export const CLEAN_TMP_FILES = 'clean_tmp_files';

/** Old temporary files in the disk's tmpFolders. Medium risk: a temp file may still be someone's work. */
export const CLEAN_TMP_FILES_RULE: FolderCleanupRule = {
  name: CLEAN_TMP_FILES,
  risk: 'medium',
  rule: 'tmp_files',
  folders: (disk) => disk.tmpFolders,
  maxAgeDays: (disk) => disk.tmpMaxAgeDays,
};
