/** Which regular files a cleanup deletes, decided from the entry's name and age alone (the guard decides the rest). */
export interface CleanupRule {
  readonly id: 'tmp_files' | 'old_logs';
  readonly defaultMaxAgeDays: number;
  matchesName(name: string): boolean;
}

const DAY_MS = 86_400_000;

/** Temp folders hold nothing worth keeping past its age: every regular file qualifies by name. */
export const TMP_FILES_RULE: CleanupRule = {
  id: 'tmp_files',
  defaultMaxAgeDays: 7,
  matchesName: () => true,
};

const ROTATED_LOG_PATTERNS: readonly RegExp[] = [
  /\.\d{1,3}$/u, // logrotate's app.log.1 … app.log.N, savelog's app.0
  /\.(?:gz|xz|bz2|zst)$/u,
  /-(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])$/u, // logrotate's dateext: syslog-20261101
  /\.old$/u,
];

/** Rotated or compressed logs only; the live `*.log` a process still appends to is never one of them. */
export const OLD_LOGS_RULE: CleanupRule = {
  id: 'old_logs',
  defaultMaxAgeDays: 14,
  matchesName: (name) => !name.endsWith('.log') && ROTATED_LOG_PATTERNS.some((pattern) => pattern.test(name)),
};

/** Files last modified before this instant are old enough; `now` is passed in, never read here. */
export function ageCutoffMs(now: Date, maxAgeDays: number): number {
  return now.getTime() - maxAgeDays * DAY_MS;
}
