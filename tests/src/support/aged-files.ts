import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const KIB = 1024;
const DAY_MS = 86_400_000;

/** A file of `bytes` bytes last modified `ageDays` ago: what the cleanups judge by. */
export function writeAgedFile(path: string, bytes: number, ageDays: number): void {
  writeFileSync(path, Buffer.alloc(bytes, 1));
  const at = new Date(Date.now() - ageDays * DAY_MS);
  utimesSync(path, at, at);
}

/** What `cleanup_old_logs` frees in `seedRotatedLogs`'s folder: its two 30-day-old rotated logs. */
export const ROTATED_LOG_BYTES = 384 * KIB;
export const LOGS_THAT_STAY = ['app.log', 'app.log-20260101'];

/** `<mount>/log` with two old rotated logs, and two files that stay: the live log (old too) and yesterday's. */
export function seedRotatedLogs(mount: string): void {
  mkdirSync(join(mount, 'log'));
  writeAgedFile(join(mount, 'log', 'app.log'), 64 * KIB, 30);
  writeAgedFile(join(mount, 'log', 'app.log.1'), 128 * KIB, 30);
  writeAgedFile(join(mount, 'log', 'app.log.2.gz'), 256 * KIB, 30);
  writeAgedFile(join(mount, 'log', 'app.log-20260101'), 64 * KIB, 1);
}
