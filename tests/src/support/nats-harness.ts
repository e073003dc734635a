import { mkdtempSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, spawnTracked, waitFor, type TrackedProcess } from './processes.js';

export type NatsHarness = { url: string; port: number; storeDir: string; process(): TrackedProcess; restart(): Promise<void>; stop(): Promise<void> };

/** A real nats-server with JetStream on a free loopback port, data in a fresh temp folder. */
export async function startNats(): Promise<NatsHarness> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'jarvis-nats-'));
  const storeDir = join(dir, 'js');
  let proc = await launchNats(port, storeDir, join(dir, 'nats.log'));
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    storeDir,
    process: () => proc,
    restart: async () => {
      await proc.stop();
      proc = await launchNats(port, storeDir, join(dir, 'nats.log'));
    },
    stop: async () => {
      await proc.stop();
    },
  };
}

/** A nats-server with JetStream on `port` with its store in `storeDir`, once it says it is ready. */
export async function launchNats(port: number, storeDir: string, logFile: string): Promise<TrackedProcess> {
  const proc = spawnTracked('nats-server', ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', storeDir], { logFile });
  await waitFor(`nats-server on port ${port}`, () => canConnect(port), 10_000);
  await waitFor('nats-server ready', () => proc.log().includes('Server is ready'), 10_000);
  return proc;
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
