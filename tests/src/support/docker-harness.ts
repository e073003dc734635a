import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Docker from 'dockerode';
import { spawnTracked, waitFor, type TrackedProcess } from './processes.js';

export const TEST_IMAGE = 'jarvis-test/busybox:1';

export type DockerHarness = { docker: Docker; host: string; dir: string; process: TrackedProcess; stop(): Promise<void> };

/**
 * A private Docker engine for one test file (its own socket, data and exec roots; no bridge, no iptables), with a
 * busybox image imported from Debian's busybox-static: nothing is pulled.
 */
export async function startDockerd(existingDir?: string): Promise<DockerHarness> {
  // Short path: a unix socket path must stay under 108 bytes. A test may choose the folder to know the socket first.
  const dir = existingDir ?? mkdtempSync('/tmp/jd-');
  const socket = join(dir, 'docker.sock');
  const proc = spawnTracked(
    'dockerd',
    [
      '-H', `unix://${socket}`,
      '--data-root', join(dir, 'data'),
      '--exec-root', join(dir, 'exec'),
      '--pidfile', join(dir, 'docker.pid'),
      '--bridge=none', '--iptables=false', '--ip-masq=false', '--ip6tables=false',
    ],
    { logFile: join(dir, 'dockerd.log') },
  );
  const docker = new Docker({ socketPath: socket });
  await waitFor('dockerd to answer', async () => (await docker.ping()) !== undefined, 30_000, 200);
  await importBusybox(docker, dir);
  return {
    docker,
    host: `unix://${socket}`,
    dir,
    process: proc,
    stop: async () => {
      const containers = await docker.listContainers({ all: true }).catch(() => []);
      await Promise.all(containers.map((c) => docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined)));
      await proc.stop('SIGTERM', 30_000);
      unmountNetnsOf(dir);
    },
  };
}

/** dockerd leaves its default network namespace bind-mounted under its exec root when it stops; nothing else unmounts it. */
function unmountNetnsOf(dir: string): void {
  const netns = join(dir, 'exec', 'netns', 'default');
  const mounted = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').some((line) => line.split(' ')[4] === netns);
  if (mounted) execFileSync('umount', [netns]);
}

/** An engine restarted on an existing folder keeps its image: importing it again would trip over the old rootfs. */
async function importBusybox(docker: Docker, dir: string): Promise<void> {
  if (await docker.getImage(TEST_IMAGE).inspect().then(() => true, () => false)) return;
  const rootfs = join(dir, 'rootfs');
  mkdirSync(join(rootfs, 'bin'), { recursive: true });
  mkdirSync(join(rootfs, 'tmp'), { recursive: true });
  const busybox = ['/bin/busybox', '/usr/bin/busybox'].find((p) => existsSync(p));
  if (!busybox) throw new Error('busybox-static is not installed (apt-get install busybox-static)');
  copyFileSync(busybox, join(rootfs, 'bin', 'busybox'));
  for (const applet of ['sh', 'sleep', 'touch', 'rm', 'test', 'cat', 'echo', 'kill', 'true', 'false', 'ls']) symlinkSync('busybox', join(rootfs, 'bin', applet));
  const tarball = join(dir, 'rootfs.tar');
  execFileSync('tar', ['-C', rootfs, '-cf', tarball, '.']);
  const [repo, tag] = TEST_IMAGE.split(':');
  const stream = await docker.importImage(tarball, { repo, tag });
  await new Promise<void>((resolve, reject) => docker.modem.followProgress(stream, (error: Error | null) => (error ? reject(error) : resolve())));
}

export type ContainerSpec = {
  name: string;
  cmd: string[];
  watched?: boolean;
  labels?: Record<string, string>;
  /** `host` shares the host's loopback (a server a test reaches on 127.0.0.1); `none` by default. */
  network?: 'none' | 'host';
  healthcheck?: { test: string[]; intervalMs: number; retries: number; startPeriodMs?: number };
};

export async function runContainer(docker: Docker, spec: ContainerSpec): Promise<Docker.Container> {
  const container = await docker.createContainer({
    name: spec.name,
    Image: TEST_IMAGE,
    Cmd: spec.cmd,
    Labels: { ...(spec.watched ? { 'jarvis.watch': 'true' } : {}), ...spec.labels },
    HostConfig: { NetworkMode: spec.network ?? 'none' },
    ...(spec.healthcheck
      ? {
          Healthcheck: {
            Test: spec.healthcheck.test,
            Interval: spec.healthcheck.intervalMs * 1e6,
            Timeout: 1e9,
            Retries: spec.healthcheck.retries,
            StartPeriod: (spec.healthcheck.startPeriodMs ?? 0) * 1e6,
          },
        }
      : {}),
  });
  await container.start();
  return container;
}

/** Freezes a container's main process from the host (SIGSTOP): it keeps running and stops answering, as a hung app. */
export async function hangMainProcess(docker: Docker, name: string): Promise<Date> {
  const info = await docker.getContainer(name).inspect();
  if (!info.State.Running || !info.State.Pid) throw new Error(`${name} is not running`);
  const at = new Date();
  process.kill(info.State.Pid, 'SIGSTOP');
  return at;
}

/** Crashes a container the way a real crash looks: its main process is SIGKILLed from the host, not via the API. */
export async function crashMainProcess(docker: Docker, name: string): Promise<Date> {
  const info = await docker.getContainer(name).inspect();
  if (!info.State.Running || !info.State.Pid) throw new Error(`${name} is not running`);
  const at = new Date();
  process.kill(info.State.Pid, 'SIGKILL');
  return at;
}

export async function execIn(docker: Docker, name: string, cmd: string[]): Promise<void> {
  const exec = await docker.getContainer(name).exec({ Cmd: cmd, AttachStdout: false, AttachStderr: false });
  await exec.start({ Detach: true });
  await sleep(50);
}

export async function waitRunning(docker: Docker, name: string, healthy = false, timeoutMs = 30_000): Promise<Docker.ContainerInspectInfo> {
  return waitFor(`${name} running${healthy ? ' and healthy' : ''}`, async () => {
    const info = await docker.getContainer(name).inspect();
    return info.State.Running && (!healthy || info.State.Health?.Status === 'healthy') ? info : undefined;
  }, timeoutMs, 100);
}
