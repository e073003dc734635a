import { after, before } from 'node:test';
import { startDockerd, type DockerHarness } from './docker-harness.js';
import { EventReader } from './event-reader.js';
import { startJarvis, type JarvisDeployment, type Shape } from './jarvis-harness.js';
import { startNats, type NatsHarness } from './nats-harness.js';
import { killAllTracked } from './processes.js';

/** What one end-to-end test file runs against; the fields are set once its `before` hook has run. */
export type Lab = { nats: NatsHarness; docker: DockerHarness; jarvis: JarvisDeployment; reader: EventReader };

/**
 * Registers the hooks of the enclosing `describe`: a real nats-server and a private dockerd, Jarvis in one shape
 * with `config`, and a reader of the event store; after the tests, everything is stopped by its PID.
 */
export function useLab(shape: Shape, config: string): Lab {
  const lab = {} as Lab;
  before(async () => {
    [lab.nats, lab.docker] = await Promise.all([startNats(), startDockerd()]);
    lab.jarvis = await startJarvis(shape, { natsUrl: lab.nats.url, dockerHost: lab.docker.host, config });
    lab.reader = await EventReader.open(lab.nats.url);
  });
  after(async () => {
    await lab.reader?.close().catch(() => undefined);
    await lab.jarvis?.stop().catch(() => undefined);
    await lab.docker?.stop().catch(() => undefined);
    await lab.nats?.stop().catch(() => undefined);
    await killAllTracked();
  });
  return lab;
}
