import { dirname, join } from 'node:path';
import { launchNats, type NatsHarness } from './nats-harness.js';
import type { TrackedProcess } from './processes.js';

/**
 * Ends an outage made by stopping a harness's nats-server: a new nats-server on the same port and store. The
 * caller stops the returned process (the harness's own `stop` only knows the first one).
 */
export function bringNatsBack(nats: NatsHarness): Promise<TrackedProcess> {
  return launchNats(nats.port, nats.storeDir, join(dirname(nats.storeDir), `nats-back-${Date.now()}.log`));
}
