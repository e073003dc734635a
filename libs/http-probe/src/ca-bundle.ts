import { constants } from 'node:fs';
import { open, realpath, stat } from 'node:fs/promises';
import { X509Certificate } from 'node:crypto';
import { isAbsolute, relative } from 'node:path';

/** Folders a `caFile` may live in, unless the caller says otherwise. */
export const DEFAULT_CA_FILE_DIRS: readonly string[] = ['/etc/jarvis', '/etc/ssl/certs', '/usr/local/share/ca-certificates'];

/** The default folders plus the ones jarvis.yaml adds (`tls.extraCaFolders`). */
export function caFileDirsWith(extra: readonly string[]): readonly string[] {
  return [...DEFAULT_CA_FILE_DIRS, ...extra];
}

const MAX_CA_BYTES = 1024 * 1024;
const PEM_CERTIFICATES = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/** A CA file that is not read: the reason names the file and why. */
export class CaFileRefused extends Error {
  override readonly name = 'CaFileRefused';
}

/**
 * Reads a PEM bundle only from inside the allowed folders, judged on real paths (symlinks resolved), and only the
 * file that was judged: opened without following a final symlink and checked to be the same inode.
 */
export async function readCaBundle(file: string, allowedDirs: readonly string[]): Promise<string> {
  try {
    return await readInside(file, allowedDirs);
  } catch (error) {
    if (error instanceof CaFileRefused) throw error;
    throw new CaFileRefused(`caFile ${file}: cannot read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

async function readInside(file: string, allowedDirs: readonly string[]): Promise<string> {
  const real = await realpath(file);
  if (!(await insideAny(real, allowedDirs))) {
    throw new CaFileRefused(`caFile ${file}: outside the folders allowed for CA files (${allowedDirs.join(', ') || 'none'})`);
  }
  const judged = await stat(real);
  const handle = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const opened = await handle.stat();
    if (opened.dev !== judged.dev || opened.ino !== judged.ino) throw new CaFileRefused(`caFile ${file}: changed while being opened`);
    if (!opened.isFile()) throw new CaFileRefused(`caFile ${file}: not a regular file`);
    if (opened.size > MAX_CA_BYTES) throw new CaFileRefused(`caFile ${file}: ${opened.size} bytes, the limit is ${MAX_CA_BYTES}`);
    const pem = await handle.readFile('utf8');
    if (!isCertificateBundle(pem)) throw new CaFileRefused(`caFile ${file}: not a PEM certificate bundle`);
    return pem;
  } finally {
    await handle.close();
  }
}

/** Node's TLS skips a certificate it cannot parse without a word, so each one is parsed here first. */
function isCertificateBundle(pem: string): boolean {
  const blocks = pem.match(PEM_CERTIFICATES) ?? [];
  try {
    for (const block of blocks) new X509Certificate(block);
  } catch {
    return false;
  }
  return blocks.length > 0;
}

async function insideAny(real: string, allowedDirs: readonly string[]): Promise<boolean> {
  for (const dir of allowedDirs) {
    const realDir = await realpath(dir).catch(() => null);
    if (realDir === null) continue;
    const rel = relative(realDir, real);
    if (rel !== '' && rel !== '..' && !rel.startsWith('../') && !isAbsolute(rel)) return true;
  }
  return false;
}
