/** A backup of one config file, as found in its backup folder. */
export type BackupEntry = { readonly name: string; readonly takenAt: Date };

export type BackupRetention = { readonly keep: number; readonly maxAgeMs: number };

/**
 * The backups to delete: all but the newest `keep`, and any older than `maxAgeMs`, except the newest one, which is
 * the one a rollback needs. Pure: the time comes in.
 */
export function backupsToDelete(backups: readonly BackupEntry[], now: Date, retention: BackupRetention): string[] {
  const newestFirst = [...backups].sort((a, b) => b.takenAt.getTime() - a.takenAt.getTime() || b.name.localeCompare(a.name));
  return newestFirst
    .filter((backup, index) => index > 0 && (index >= retention.keep || now.getTime() - backup.takenAt.getTime() > retention.maxAgeMs))
    .map((backup) => backup.name);
}

const STAMP = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z$/u;

/** A timestamp usable in a file name, sortable as text: `20261129T020304005Z`. */
export function backupStamp(at: Date): string {
  return at.toISOString().replace(/[-:.]/gu, '');
}

export function parseBackupStamp(stamp: string): Date | undefined {
  const match = STAMP.exec(stamp);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s, ms] = match;
  const at = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}.${ms}Z`);
  return Number.isNaN(at.getTime()) ? undefined : at;
}
