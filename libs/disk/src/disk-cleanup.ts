import { ageCutoffMs, OLD_LOGS_RULE, TMP_FILES_RULE, type CleanupRule } from './cleanup-rules.js';
import { errorCode } from './disk-path-error.js';
import { Sweep, type QualifiedFile, type SkippedEntry, type StoppedEarly } from './sweep.js';
import type { WhitelistedFolder } from './whitelist.js';

export interface CleanupOptions {
  /** From loadWhitelist: nothing outside these folders is read or deleted. */
  readonly folders: readonly WhitelistedFolder[];
  readonly now: Date;
  /** Files last modified more than this many days before `now` qualify; the rule's default when absent (7 tmp, 14 logs). */
  readonly maxAgeDays?: number;
  /** Checked before every entry and every delete; an abort ends the sweep with what was done so far. */
  readonly signal?: AbortSignal;
  /** Directory entries looked at, over all folders, before the sweep stops. Default 10,000. */
  readonly maxEntries?: number;
  /**
   * Test seam: awaited after a file passed every check, right before its unlink. Production code leaves it out; tests
   * use it to swap a folder for a symlink in the window a path-based delete would have.
   */
  readonly beforeUnlink?: (file: { readonly path: string; readonly name: string }) => void | Promise<void>;
}

export interface CleanupReport {
  /** Space given back: the sum of st_blocks × 512 of the files deleted. */
  readonly bytesFreed: number;
  readonly deleted: string[];
  /** Entries the rule would have taken that the guard refused, and deletes that failed, each with its reason. */
  readonly skipped: SkippedEntry[];
  readonly entriesVisited: number;
  readonly stoppedEarly: StoppedEarly | null;
}

export interface ReclaimableCandidate {
  readonly path: string;
  readonly bytes: number;
  readonly modifiedAt: string;
}

/** What a cleanup would delete, as evidence: the largest files first, capped, and the totals of all of them. */
export interface ReclaimableEvidence {
  readonly rule: CleanupRule['id'];
  readonly candidates: ReclaimableCandidate[];
  readonly totalBytes: number;
  readonly totalFiles: number;
  readonly skipped: SkippedEntry[];
  readonly entriesVisited: number;
  readonly stoppedEarly: StoppedEarly | null;
}

const DEFAULT_MAX_ENTRIES = 10_000;
const DEFAULT_CANDIDATE_LIMIT = 10;

/** Deletes regular files older than maxAgeDays (default 7) inside the whitelisted temp folders. */
export function cleanTmpFiles(options: CleanupOptions): Promise<CleanupReport> {
  return clean(TMP_FILES_RULE, options);
}

/** Deletes rotated or compressed logs older than maxAgeDays (default 14) in the whitelisted log folders; never `*.log`. */
export function cleanupOldLogs(options: CleanupOptions): Promise<CleanupReport> {
  return clean(OLD_LOGS_RULE, options);
}

/** The dry run of `rule` over the same walk and guard: nothing is deleted. */
export async function findReclaimableCandidates(rule: CleanupRule, options: CleanupOptions, limit = DEFAULT_CANDIDATE_LIMIT): Promise<ReclaimableEvidence> {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit: must be a positive integer, got ${String(limit)}`);
  const candidates: ReclaimableCandidate[] = [];
  let totalBytes = 0;
  let totalFiles = 0;
  const sweep = newSweep(rule, options, (file) => {
    totalBytes += file.bytes;
    totalFiles += 1;
    candidates.push({ path: file.path, bytes: file.bytes, modifiedAt: new Date(Number(file.stats.mtimeMs)).toISOString() });
    if (candidates.length > limit * 2) keepLargest(candidates, limit);
    return Promise.resolve();
  });
  await sweep.run(options.folders);
  keepLargest(candidates, limit);
  return { rule: rule.id, candidates, totalBytes, totalFiles, skipped: sweep.skipped, entriesVisited: sweep.entriesVisited, stoppedEarly: sweep.stoppedEarly };
}

async function clean(rule: CleanupRule, options: CleanupOptions): Promise<CleanupReport> {
  const deleted: string[] = [];
  let bytesFreed = 0;
  const sweep: Sweep = newSweep(rule, options, async (file) => {
    if (sweep.shouldStop()) return;
    await options.beforeUnlink?.({ path: file.path, name: file.name });
    try {
      await file.directory.unlink(file.name);
    } catch (error) {
      sweep.skip(file.path, `cannot delete (${errorCode(error)})`);
      return;
    }
    deleted.push(file.path);
    bytesFreed += file.bytes;
  });
  await sweep.run(options.folders);
  return { bytesFreed, deleted, skipped: sweep.skipped, entriesVisited: sweep.entriesVisited, stoppedEarly: sweep.stoppedEarly };
}

function newSweep(rule: CleanupRule, options: CleanupOptions, onFile: (file: QualifiedFile) => Promise<void>): Sweep {
  const maxAgeDays = options.maxAgeDays ?? rule.defaultMaxAgeDays;
  const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  if (!(options.now instanceof Date) || Number.isNaN(options.now.getTime())) throw new TypeError('now: must be a valid Date');
  if (!Number.isFinite(maxAgeDays) || maxAgeDays < 0) throw new RangeError(`maxAgeDays: must be a number of days >= 0, got ${String(maxAgeDays)}`);
  if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError(`maxEntries: must be a positive integer, got ${String(maxEntries)}`);
  return new Sweep(rule, ageCutoffMs(options.now, maxAgeDays), { maxEntries, signal: options.signal }, onFile);
}

/** Sorts largest first and drops the rest, in place; called in batches so memory stays bounded by the limit. */
function keepLargest(files: ReclaimableCandidate[], limit: number): void {
  files.sort((a, b) => b.bytes - a.bytes || a.path.localeCompare(b.path));
  files.length = Math.min(files.length, limit);
}
