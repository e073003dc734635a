import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { constants, type Stats } from 'node:fs';
import { link, lstat, mkdir, open, readFile, unlink } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { StartupError } from './startup-error.js';

/** Read by the person and the CLI; the gateway only needs the hash beside it. */
export const API_TOKEN_FILE = 'api-token';
export const API_TOKEN_HASH_FILE = 'api-token.sha256';

const TOKEN_BYTES = 32;
const HASH_PATTERN = /^[0-9a-f]{64}$/;
/** Group or others may do anything with it: a token anyone else can read or replace is no secret. */
const SHARED_BITS = 0o077;

export function dataDirFrom(env: NodeJS.ProcessEnv): string {
  return resolve(env['JARVIS_DATA_DIR'] || 'data');
}

export function apiTokenPaths(dataDir: string): { token: string; hash: string } {
  return { token: join(dataDir, API_TOKEN_FILE), hash: join(dataDir, API_TOKEN_HASH_FILE) };
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** What the gateway keeps of the token: its SHA-256, compared in constant time. */
export class ApiTokenHash {
  private constructor(private readonly digest: Buffer) {}

  static ofToken(token: string): ApiTokenHash {
    return new ApiTokenHash(sha256(token));
  }

  static fromHex(hex: string): ApiTokenHash {
    return new ApiTokenHash(Buffer.from(hex, 'hex'));
  }

  /** Hashing first gives both sides the same length, so the comparison's time says nothing about the token. */
  matches(presented: string): boolean {
    return timingSafeEqual(sha256(presented), this.digest);
  }

  hex(): string {
    return this.digest.toString('hex');
  }
}

export type ApiTokenSetup = { hash: ApiTokenHash; tokenPath: string; hashPath: string; created: 'token' | 'hash' | 'none' };

/**
 * At gateway start: creates the token (and its hash) when absent, else checks the files are private regular files
 * and agree. The split shape may mount only the hash file; the token then lives wherever the person keeps it.
 * Several gateways may start on one folder at once: each file appears whole or not at all, and the first written wins.
 */
export async function ensureApiToken(dataDir: string): Promise<ApiTokenSetup> {
  const paths = apiTokenPaths(dataDir);
  // One after the other, so a refusal always names the same file first.
  const tokenStat = await privateFileStat(paths.token);
  const hashStat = await privateFileStat(paths.hash);
  const setup = (hash: ApiTokenHash, created: ApiTokenSetup['created']): ApiTokenSetup => ({ hash, tokenPath: paths.token, hashPath: paths.hash, created });
  if (hashStat) {
    const hash = await readHash(paths.hash);
    if (tokenStat) checkAgreement(paths, hash, await readTokenFile(paths.token));
    return setup(hash, 'none');
  }
  const tokenCreated = !tokenStat && (await createToken(dataDir, paths.token));
  const token = await readTokenFile(paths.token);
  const hash = ApiTokenHash.ofToken(token);
  if (await publishPrivateFile(paths.hash, `${hash.hex()}\n`)) return setup(hash, tokenCreated ? 'token' : 'hash');
  checkAgreement(paths, await readHash(paths.hash), token);
  return setup(hash, tokenCreated ? 'token' : 'none');
}

/** False when another gateway's token got there first. */
async function createToken(dataDir: string, path: string): Promise<boolean> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 }).catch((error: Error) => {
    throw new StartupError(`JARVIS_DATA_DIR: cannot create ${dataDir} for the API token (${error.message})`);
  });
  return publishPrivateFile(path, `${randomBytes(TOKEN_BYTES).toString('base64url')}\n`);
}

function checkAgreement(paths: { token: string; hash: string }, hash: ApiTokenHash, token: string): void {
  if (!hash.matches(token)) throw new StartupError(`${paths.token} does not match ${paths.hash}: delete both and restart the gateway to make a new token`);
}

/** The token for the CLI: `JARVIS_API_TOKEN`, else the token file in the data dir. */
export async function readApiToken(env: NodeJS.ProcessEnv): Promise<string> {
  const fromEnv = env['JARVIS_API_TOKEN']?.trim();
  if (fromEnv) return fromEnv;
  const { token } = apiTokenPaths(dataDirFrom(env));
  if (!(await privateFileStat(token))) throw new StartupError(`no API token: set JARVIS_API_TOKEN, or JARVIS_DATA_DIR to the folder holding ${API_TOKEN_FILE} (looked for ${token})`);
  return readTokenFile(token);
}

/** Null when absent; refuses anything but a regular file only its owner may use (a symlink too: it is not followed). */
async function privateFileStat(path: string): Promise<Stats | null> {
  let stat: Stats;
  try {
    stat = await lstat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new StartupError(`${path}: cannot read (${(error as Error).message})`);
  }
  if (!stat.isFile()) throw new StartupError(`${path}: must be a regular file (found ${stat.isSymbolicLink() ? 'a symbolic link' : 'something else'})`);
  const mode = stat.mode & 0o777;
  if (mode & SHARED_BITS) throw new StartupError(`${path}: mode ${mode.toString(8).padStart(4, '0')} lets group or others use it; it must be 0600 (chmod 600 ${path})`);
  return stat;
}

async function readTokenFile(path: string): Promise<string> {
  const token = (await readFile(path, { encoding: 'utf8', flag: constants.O_RDONLY | constants.O_NOFOLLOW })).trim();
  if (!token) throw new StartupError(`${path}: is empty`);
  return token;
}

async function readHash(path: string): Promise<ApiTokenHash> {
  const hex = (await readFile(path, { encoding: 'utf8', flag: constants.O_RDONLY | constants.O_NOFOLLOW })).trim();
  if (!HASH_PATTERN.test(hex)) throw new StartupError(`${path}: must hold the token's SHA-256 as 64 lower-case hex digits`);
  return ApiTokenHash.fromHex(hex);
}

/**
 * Written whole under a name of its own, then linked into place: a link never replaces an existing file, so a
 * gateway starting beside this one, or after a crash mid-write, finds the file complete or absent, never partial.
 * False when a file is already at the path; it is then checked like any file found there.
 */
async function publishPrivateFile(path: string, content: string): Promise<boolean> {
  const draft = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.new`;
  try {
    await writeNewPrivateFile(draft, path, content);
    return await linkInPlace(draft, path);
  } finally {
    await unlink(draft).catch(() => undefined);
  }
}

/** Created exclusively and never through a symlink, so nothing planted at the path is overwritten or followed. */
async function writeNewPrivateFile(draft: string, path: string, content: string): Promise<void> {
  const file = await open(draft, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600).catch((error: Error) => {
    throw new StartupError(`${path}: cannot create (${error.message}); JARVIS_DATA_DIR must be a folder Jarvis may write`);
  });
  try {
    await file.writeFile(content, 'utf8');
    await file.sync();
  } finally {
    await file.close();
  }
}

async function linkInPlace(draft: string, path: string): Promise<boolean> {
  try {
    await link(draft, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new StartupError(`${path}: cannot create (${(error as Error).message})`);
    await privateFileStat(path);
    return false;
  }
  await syncFolder(dirname(path));
  return true;
}

/** The new name must survive a power cut as surely as the content it names. */
async function syncFolder(folder: string): Promise<void> {
  const handle = await open(folder, constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
