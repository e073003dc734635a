import { dirname, join } from 'node:path';
import { createConnection } from 'node:net';
import type { NatsHarness } from './nats-harness.js';
import { spawnTracked, waitFor, type TrackedProcess } from './processes.js';

/**
 * Ends an outage made by stopping a harness's nats-server: a new nats-server on the same port and store. The
 * caller stops the returned process (the harness's own `stop` only knows the first one).
 */
export async function bringNatsBack(nats: NatsHarness): Promise<TrackedProcess> {
  const logFile = join(dirname(nats.storeDir), `nats-back-${Date.now()}.log`);
  const proc = spawnTracked('nats-server', ['-a', '127.0.0.1', '-p', String(nats.port), '-js', '-sd', nats.storeDir], { logFile });
  await waitFor(`nats-server back on port ${nats.port}`, () => accepts(nats.port), 10_000);
  await waitFor('nats-server ready again', () => proc.log().includes('Server is ready'), 10_000);
  return proc;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
