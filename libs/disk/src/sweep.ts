import type { BigIntStats } from 'node:fs';
import type { CleanupRule } from './cleanup-rules.js';
import { errorCode } from './disk-path-error.js';
import { admitEntryName } from './path-guard.js';
import { PinnedDirectory } from './pinned-directory.js';
import type { WhitelistedFolder } from './whitelist.js';

export interface SkippedEntry {
  readonly path: string;
  readonly reason: string;
}

/** Why a sweep ended before it had looked at everything: its signal aborted, or it visited its entry limit. */
export type StoppedEarly = 'aborted' | 'entry_limit';

/** A file that passed every check of the guard and the rule; the sweep's consumer deletes it or lists it. */
export interface QualifiedFile {
  readonly directory: PinnedDirectory;
  readonly name: string;
  readonly path: string;
  readonly stats: BigIntStats;
  /** Space the file occupies (st_blocks × 512, like du): what deleting it gives back, sparse files included. */
  readonly bytes: number;
}

export interface SweepLimits {
  readonly maxEntries: number;
  readonly signal: AbortSignal | undefined;
}

/** Directories nested deeper than this are reported and not entered: a bound on descriptors held and on recursion. */
const MAX_DEPTH = 32;

/**
 * Walks whitelisted folders through pinned directory descriptors and hands every qualifying file to `onFile`.
 * Everything the guard refused and the rule would otherwise have taken is recorded in `skipped`; files the rule does
 * not want (too new, a live log) are passed over silently.
 */
export class Sweep {
  readonly skipped: SkippedEntry[] = [];
  entriesVisited = 0;
  stoppedEarly: StoppedEarly | null = null;

  constructor(
    private readonly rule: CleanupRule,
    private readonly cutoffMs: number,
    private readonly limits: SweepLimits,
    private readonly onFile: (file: QualifiedFile) => Promise<void>,
  ) {}

  async run(folders: readonly WhitelistedFolder[]): Promise<void> {
    for (const root of folders) {
      if (this.shouldStop()) return;
      const opened = await PinnedDirectory.openRoot(root);
      if (!opened.ok) {
        this.skip(root.realPath, opened.reason);
        continue;
      }
      try {
        await this.walk(opened.directory, root, 0);
      } finally {
        await opened.directory.close();
      }
    }
  }

  skip(path: string, reason: string): void {
    this.skipped.push({ path, reason });
  }

  /** Checked before each entry and again right before each delete. */
  shouldStop(): boolean {
    if (this.stoppedEarly === null && this.limits.signal?.aborted) this.stoppedEarly = 'aborted';
    return this.stoppedEarly !== null;
  }

  private async walk(directory: PinnedDirectory, root: WhitelistedFolder, depth: number): Promise<void> {
    const names = directory.names();
    try {
      for (;;) {
        const raw = await this.nextName(names, directory);
        if (raw === undefined || this.shouldStop()) return;
        if (this.entriesVisited >= this.limits.maxEntries) {
          this.stoppedEarly = 'entry_limit';
          return;
        }
        this.entriesVisited += 1;
        const admitted = admitEntryName(raw);
        if (admitted.ok) await this.visit(directory, admitted.name, root, depth);
        else this.skip(directory.childPath(admitted.display), admitted.reason);
      }
    } finally {
      await names.return(undefined);
    }
  }

  /** A folder that cannot be listed (permissions, I/O error) is reported and left; the sweep goes on elsewhere. */
  private async nextName(names: AsyncGenerator<Uint8Array>, directory: PinnedDirectory): Promise<Uint8Array | undefined> {
    try {
      const next = await names.next();
      return next.done ? undefined : next.value;
    } catch (error) {
      this.skip(directory.realPath, `cannot list (${errorCode(error)})`);
      return undefined;
    }
  }

  private async visit(directory: PinnedDirectory, name: string, root: WhitelistedFolder, depth: number): Promise<void> {
    const path = directory.childPath(name);
    let stats: BigIntStats;
    try {
      stats = await directory.lstat(name);
    } catch (error) {
      const code = errorCode(error);
      if (code !== 'ENOENT') this.skip(path, `cannot lstat (${code})`);
      return;
    }
    if (stats.isDirectory()) return this.enter(directory, name, stats, root, depth);
    if (!this.rule.matchesName(name) || Number(stats.mtimeMs) >= this.cutoffMs) return;
    const refusal = fileRefusal(stats, root);
    if (refusal !== undefined) this.skip(path, refusal);
    else await this.onFile({ directory, name, path, stats, bytes: Number(stats.blocks) * 512 });
  }

  private async enter(parent: PinnedDirectory, name: string, stats: BigIntStats, root: WhitelistedFolder, depth: number): Promise<void> {
    const path = parent.childPath(name);
    if (stats.dev !== root.dev) return this.skip(path, 'is on another filesystem (mount point): not entered');
    if (depth + 1 > MAX_DEPTH) return this.skip(path, `is deeper than ${MAX_DEPTH} levels: not entered`);
    const opened = await parent.openChild(name, stats, root);
    if (!opened.ok) return this.skip(path, opened.reason);
    try {
      await this.walk(opened.directory, root, depth + 1);
    } finally {
      await opened.directory.close();
    }
  }
}

/** Why a file the rule wants is still not deleted, or undefined when it may be. */
function fileRefusal(stats: BigIntStats, root: WhitelistedFolder): string | undefined {
  if (stats.isSymbolicLink()) return 'symbolic link: never followed, never deleted';
  if (!stats.isFile()) return 'not a regular file (socket, FIFO or device): never deleted';
  if (stats.dev !== root.dev) return 'is on another filesystem (a mounted file): never deleted';
  if (stats.nlink > 1n) return `has ${stats.nlink} hard links: deleting one frees nothing and another may belong to someone else`;
  return undefined;
}
