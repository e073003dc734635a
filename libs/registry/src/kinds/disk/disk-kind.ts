import type { JarvisConfig } from '@jarvis/config';
import type { TargetKindPlugin } from '../../target-kind.js';
import { CLEAN_TMP_FILES, CLEAN_TMP_FILES_RULE } from './clean-tmp-files.js';
import { CLEANUP_OLD_LOGS_RULE } from './cleanup-old-logs.js';
import type { DiskPort } from './disk-port.js';
import { DISK_USAGE_CHECK } from './disk-usage-check.js';
import { DiskUsageProbe } from './disk-usage-probe.js';
import { describeFolderCleanup, FolderCleanup } from './folder-cleanup.js';

export type DiskDependencies = { disks: DiskPort };

/**
 * Disks: the mounts listed under `disks:` in jarvis.yaml, probed on a schedule (`diagnose_disk_space`), healed by
 * deleting old temp files (or, by override or schedule, old rotated logs) inside whitelisted folders only.
 */
export function diskKind(config: JarvisConfig): TargetKindPlugin<DiskDependencies> {
  const cleanups = [CLEAN_TMP_FILES_RULE, CLEANUP_OLD_LOGS_RULE];
  return {
    kind: 'disk',
    checks: [DISK_USAGE_CHECK],
    actions: cleanups.map((cleanup) => describeFolderCleanup(cleanup, config.disks)),
    remediation: { [DISK_USAGE_CHECK]: CLEAN_TMP_FILES },
    createActions: ({ disks }) => cleanups.map((cleanup) => new FolderCleanup(cleanup, config.disks, disks)),
    createProbes: ({ disks }) => config.disks.map((disk) => new DiskUsageProbe(disk, disks, config.probes.timeoutSeconds * 1000)),
  };
}
