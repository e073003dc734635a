import { constants } from 'node:fs';
import { lstat, mkdir, open, readdir, readlink, realpath, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { basename, dirname } from 'node:path';
import { backupStamp, backupsToDelete, parseBackupStamp, type BackupEntry, type BackupRetention } from './backup-retention.js';
import { KNOWN_GOOD_NAME } from './config-edit.js';
import { ConfigEditError } from './config-edit-error.js';
import { admittingEntry, editPathProblem, type AllowedEntry } from './edit-path.js';
import { MAX_CONFIG_BYTES } from './yaml-limits.js';

const DIRECTORY_NO_FOLLOW = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;
const READ_NO_FOLLOW = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;
const CREATE_NEW = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
const MAX_SECRET_BYTES = 64 * 1024;
const MAX_STAMP_TRIES = 1000;
const KNOWN_GOOD_SUFFIX = '.good';

/** A whitelisted config file, found by its real path and pinned by its identity when it was read. */
export type ConfigFile = {
  readonly realPath: string;
  readonly content: string;
  readonly dev: bigint;
  readonly ino: bigint;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
};

export type ConfigFilesOptions = {
  /** `configEditor.allowedPaths`: folders and files, resolved once at load. */
  readonly allowed: readonly AllowedEntry[];
  /** Where `{ secretFile }` values are read from; none configured means an edit may not reference a secret. */
  readonly secretsFolder?: string;
  /** Backups go here when set, else beside the file they copy. */
  readonly backupFolder?: string;
  readonly retention: BackupRetention;
};

/** Resolves `configEditor.allowedPaths` once at start; throws ConfigEditError naming the entry that is unusable. */
export async function loadAllowedPaths(paths: readonly string[]): Promise<AllowedEntry[]> {
  const loaded: AllowedEntry[] = [];
  for (const configured of paths) {
    if (configured === '/') throw new ConfigEditError('configEditor.allowedPaths', 'the whole filesystem cannot be whitelisted');
    const problem = editPathProblem(configured);
    if (problem) throw new ConfigEditError('configEditor.allowedPaths', `${configured} ${problem}`);
    const real = await realpath(configured).catch((error: unknown) => {
      throw new ConfigEditError('configEditor.allowedPaths', `${configured} cannot be resolved (${codeOf(error)})`);
    });
    const stats = await stat(real);
    loaded.push({ configured, realPath: real, kind: stats.isDirectory() ? 'folder' : 'file' });
  }
  return loaded;
}

/**
 * The editor's only way to files. Every path is checked as a string, resolved, refused if any component is a
 * symlink, matched against the whitelist, then opened with O_NOFOLLOW and compared by device and inode with what
 * was checked; writes go through a temp file in the same folder, fsync and rename, keeping mode and owner.
 */
export class ConfigFiles {
  constructor(private readonly options: ConfigFilesOptions) {}

  /** Resolves and reads a whitelisted regular file. */
  async read(path: string): Promise<ConfigFile> {
    const realPath = await this.resolve(path);
    const seen = await lstat(realPath, { bigint: true });
    if (!seen.isFile()) throw new ConfigEditError('path', 'is not a regular file');
    const handle = await open(realPath, READ_NO_FOLLOW).catch((error: unknown) => failure('path', `cannot be opened (${codeOf(error)})`));
    try {
      const stats = await handle.stat({ bigint: true });
      if (stats.dev !== seen.dev || stats.ino !== seen.ino) throw new ConfigEditError('path', 'was replaced while it was being opened');
      if ((await readlink(`/proc/self/fd/${handle.fd}`)) !== realPath) throw new ConfigEditError('path', 'its folder was swapped while it was being opened');
      if (stats.size > BigInt(MAX_CONFIG_BYTES)) throw new ConfigEditError('path', `is larger than ${MAX_CONFIG_BYTES} bytes`);
      const content = await handle.readFile({ encoding: 'utf8' });
      return { realPath, content, dev: stats.dev, ino: stats.ino, mode: Number(stats.mode & 0o7777n), uid: Number(stats.uid), gid: Number(stats.gid) };
    } finally {
      await handle.close();
    }
  }

  /** The content now at a file's real path, or undefined when it is gone or no longer a regular file. */
  async currentContent(realPath: string): Promise<string | undefined> {
    try {
      return (await this.read(realPath)).content;
    } catch {
      return undefined;
    }
  }

  /** Reads a secret file by plain name from the secrets folder; the value never leaves the editor but in the new file. */
  async readSecret(name: string): Promise<string> {
    const folder = this.options.secretsFolder;
    if (!folder) throw new ConfigEditError('change.values', 'references a secret file but configEditor.secretsFolder is not set');
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/u.test(name)) throw new ConfigEditError('change.values', 'secretFile must be a plain file name');
    const handle = await open(`${folder}/${name}`, READ_NO_FOLLOW).catch((error: unknown) => failure('change.values', `secret file ${name} cannot be opened (${codeOf(error)})`));
    try {
      const stats = await handle.stat();
      if (!stats.isFile() || stats.size > MAX_SECRET_BYTES) throw new ConfigEditError('change.values', `secret file ${name} is not a regular file of at most ${MAX_SECRET_BYTES} bytes`);
      return (await handle.readFile({ encoding: 'utf8' })).replace(/\r?\n$/u, '');
    } finally {
      await handle.close();
    }
  }

  /** Copies the file's content to a new timestamped backup (mode 0600), then prunes that file's old backups. */
  async backup(file: ConfigFile, now: Date): Promise<string> {
    const folder = this.options.backupFolder ?? dirname(file.realPath);
    const prefix = backupPrefix(file.realPath);
    const path = await writeBackup(folder, prefix, file.content, now);
    await fsyncFolder(folder);
    await this.prune(folder, prefix, now);
    return path;
  }

  /**
   * Atomically puts `content` at the file's real path, keeping its mode and owner. `expected` is the identity the
   * file must still have (the one read), so a file swapped meanwhile is not overwritten.
   */
  async replace(file: ConfigFile, content: string, expected: { dev: bigint; ino: bigint } = file): Promise<void> {
    const folder = dirname(file.realPath);
    const dir = await open(folder, DIRECTORY_NO_FOLLOW);
    try {
      const pinned = `/proc/self/fd/${dir.fd}`;
      if ((await readlink(pinned)) !== folder) throw new ConfigEditError('path', 'its folder was moved during the edit');
      const temp = `.${basename(file.realPath)}.${randomBytes(6).toString('hex')}.jarvis-tmp`;
      await writeNew(`${pinned}/${temp}`, content, file.mode, file);
      try {
        const current = await lstat(`${pinned}/${basename(file.realPath)}`, { bigint: true });
        if (!current.isFile() || current.dev !== expected.dev || current.ino !== expected.ino) throw new ConfigEditError('path', 'was replaced by someone else during the edit; not overwritten');
        await rename(`${pinned}/${temp}`, `${pinned}/${basename(file.realPath)}`);
      } catch (error) {
        await unlink(`${pinned}/${temp}`).catch(() => undefined);
        throw error;
      }
      await dir.sync();
    } finally {
      await dir.close();
    }
  }

  /**
   * Keeps a copy (0600) of the file as it is now in the known-good folder (`known-good` inside the backup folder), and
   * returns its name; when the newest copy already holds the same content, that copy's name, writing nothing. The
   * newest copies are kept (`retention.keep`), never by age: an old known-good copy is still the last one that worked.
   */
  async keepKnownGood(file: ConfigFile, now: Date): Promise<{ name: string; created: boolean }> {
    const folder = await this.knownGoodFolder(file.realPath, true);
    const prefix = backupPrefix(file.realPath);
    const newest = (await this.knownGoodCopies(folder, prefix))[0];
    if (newest && (await this.readBackup(`${folder}/${newest.name}`)) === file.content) return { name: newest.name, created: false };
    const path = await writeBackup(folder, prefix, file.content, now, KNOWN_GOOD_SUFFIX);
    await fsyncFolder(folder);
    const copies = await this.knownGoodCopies(folder, prefix);
    for (const { name } of copies.slice(Math.max(1, this.options.retention.keep))) await unlink(`${folder}/${name}`).catch(() => undefined);
    return { name: basename(path), created: true };
  }

  /** Reads a known-good copy of the file at `realPath` by the name keepKnownGood gave it. */
  async readKnownGood(realPath: string, name: string): Promise<string> {
    const prefix = backupPrefix(realPath);
    if (!KNOWN_GOOD_NAME.test(name) || !name.startsWith(prefix) || !name.endsWith(KNOWN_GOOD_SUFFIX)) throw new ConfigEditError('change.knownGood', `is not a known-good copy of ${basename(realPath)}`);
    const folder = await this.knownGoodFolder(realPath, false);
    return this.readBackup(`${folder}/${name}`).catch((error: unknown) => failure('change.knownGood', `${name} cannot be read (${codeOf(error)})`));
  }

  private async knownGoodFolder(realPath: string, create: boolean): Promise<string> {
    const folder = `${this.options.backupFolder ?? dirname(realPath)}/known-good`;
    if (create) await mkdir(folder, { mode: 0o700 }).catch((error: unknown) => (codeOf(error) === 'EEXIST' ? undefined : Promise.reject(error)));
    const seen = await lstat(folder).catch((error: unknown) => failure('change.knownGood', `the known-good folder cannot be read (${codeOf(error)})`));
    if (!seen.isDirectory()) throw new ConfigEditError('change.knownGood', 'the known-good folder is not a folder (a symbolic link?)');
    return folder;
  }

  /** Newest first. */
  private async knownGoodCopies(folder: string, prefix: string): Promise<BackupEntry[]> {
    const copies = (await readdir(folder)).flatMap((name) => {
      if (!name.startsWith(prefix) || !name.endsWith(KNOWN_GOOD_SUFFIX)) return [];
      const takenAt = parseBackupStamp(name.slice(prefix.length, -KNOWN_GOOD_SUFFIX.length));
      return takenAt ? [{ name, takenAt }] : [];
    });
    return copies.sort((a, b) => b.takenAt.getTime() - a.takenAt.getTime());
  }

  /** Reads a backup this editor wrote, for a rollback. */
  async readBackup(path: string): Promise<string> {
    const handle = await open(path, READ_NO_FOLLOW);
    try {
      return await handle.readFile({ encoding: 'utf8' });
    } finally {
      await handle.close();
    }
  }

  /** The real path, refusing the shape, any symlink on the way, and anything the whitelist does not admit. */
  private async resolve(path: string): Promise<string> {
    const problem = editPathProblem(path);
    if (problem) throw new ConfigEditError('path', problem);
    const folder = dirname(path);
    const realFolder = await realpath(folder).catch((error: unknown) => failure('path', `its folder cannot be resolved (${codeOf(error)})`));
    if (realFolder !== folder) throw new ConfigEditError('path', `goes through a symbolic link (the folder is really ${realFolder})`);
    const entry = await lstat(path).catch((error: unknown) => failure('path', `cannot be read (${codeOf(error)})`));
    if (entry.isSymbolicLink()) throw new ConfigEditError('path', 'is a symbolic link');
    if (!admittingEntry(path, this.options.allowed)) throw new ConfigEditError('path', 'is not inside configEditor.allowedPaths');
    return path;
  }

  private async prune(folder: string, prefix: string, now: Date): Promise<void> {
    const backups = (await readdir(folder)).flatMap((name) => {
      if (!name.startsWith(prefix) || !name.endsWith('.bak')) return [];
      const takenAt = parseBackupStamp(name.slice(prefix.length, -'.bak'.length));
      return takenAt ? [{ name, takenAt }] : [];
    });
    for (const name of backupsToDelete(backups, now, this.options.retention)) await unlink(`${folder}/${name}`).catch(() => undefined);
  }
}

/** Backups of files with the same name from different folders can share a backup folder: the real path's hash tells them apart. */
export function backupPrefix(realPath: string): string {
  return `${basename(realPath)}.${createHash('sha256').update(realPath).digest('hex').slice(0, 8)}.`;
}

/**
 * What a backed-up edit records of the new content: an HMAC keyed with the old content. After a crash it tells
 * whether the file holds the edit, yet someone reading only the event log cannot test guesses of a secret with it.
 */
export function editedContentDigest(before: string, after: string): string {
  return createHmac('sha256', before).update(after, 'utf8').digest('hex');
}

/** Two backups of one file in the same millisecond take the next free millisecond: a name is never reused. */
async function writeBackup(folder: string, prefix: string, content: string, now: Date, suffix = '.bak'): Promise<string> {
  for (let offset = 0; offset < MAX_STAMP_TRIES; offset += 1) {
    const path = `${folder}/${prefix}${backupStamp(new Date(now.getTime() + offset))}${suffix}`;
    try {
      await writeNew(path, content, 0o600);
      return path;
    } catch (error) {
      if (codeOf(error) !== 'EEXIST') throw error;
    }
  }
  throw new ConfigEditError('backup', `no free backup name in ${folder} after ${MAX_STAMP_TRIES} tries`);
}

async function writeNew(path: string, content: string, mode: number, owner?: { uid: number; gid: number }): Promise<void> {
  const handle: FileHandle = await open(path, CREATE_NEW, mode & 0o7777);
  try {
    if (owner) await handle.chown(owner.uid, owner.gid);
    await handle.chmod(mode & 0o7777);
    await handle.writeFile(content, { encoding: 'utf8' });
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function fsyncFolder(folder: string): Promise<void> {
  const dir = await open(folder, DIRECTORY_NO_FOLLOW);
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

function failure(field: string, reason: string): never {
  throw new ConfigEditError(field, reason);
}

function codeOf(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? 'error';
}

