import { after, before } from 'node:test';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { JetStreamEventLog } from '@jarvis/event-log';
import { startNats, type NatsHarness } from './nats-harness.js';
import { killAllTracked } from './processes.js';

export type RealEventLog = { nats: NatsHarness; nc: NatsConnection; log: JetStreamEventLog };

/**
 * For the describe block it is called in: a real nats-server, a connection that keeps reconnecting (so tests can kill
 * and restart the server), and the event log opened on it with a short ack wait. Filled in by `before`.
 */
export function useRealEventLog(): RealEventLog {
  const real = {} as RealEventLog;
  before(async () => {
    real.nats = await startNats();
    real.nc = await connect({ servers: [real.nats.url], maxReconnectAttempts: -1, reconnectTimeWait: 200 });
    real.log = await JetStreamEventLog.open(real.nc, { ackWaitMs: 2000 });
  });
  after(async () => {
    await real.nc?.close().catch(() => undefined);
    await real.nats?.stop();
    await killAllTracked();
  });
  return real;
}
