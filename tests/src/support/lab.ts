import { after, before } from 'node:test';
import { startDockerd, type DockerHarness } from './docker-harness.js';
import { EventReader, timeline } from './event-reader.js';
import { startJarvis, type JarvisDeployment, type Shape } from './jarvis-harness.js';
import { startNats, type NatsHarness } from './nats-harness.js';
import { killAllTracked } from './processes.js';

/** What one end-to-end test file runs against; the fields are set once its `before` hook has run. */
export type Lab = {
  nats: NatsHarness;
  docker: DockerHarness;
  jarvis: JarvisDeployment;
  reader: EventReader;
  /** Awaits `step`; if it fails, the error also tells the story of `subject` in the log and how each Jarvis process fared. */
  explained<T>(subject: string, step: Promise<T>): Promise<T>;
};

/**
 * Registers the hooks of the enclosing `describe`: a real nats-server and a private dockerd, Jarvis in one shape
 * with `config` (or what it returns once earlier `before` hooks ran), and a reader of the event store; after the tests, everything is stopped by its PID.
 */
export type LabOptions = {
  /** Runs once nats-server and dockerd are up, before Jarvis starts: targets that must exist from Jarvis's first look. */
  beforeJarvis?: (lab: Pick<Lab, 'nats' | 'docker'>) => Promise<void>;
  /** Extra environment for every Jarvis process. */
  env?: NodeJS.ProcessEnv;
};

export function useLab(shape: Shape, config: string | (() => string), options: LabOptions = {}): Lab {
  const lab = { explained: (subject, step) => explainFailure(lab, subject, step) } as Lab;
  before(async () => {
    [lab.nats, lab.docker] = await Promise.all([startNats(), startDockerd()]);
    await options.beforeJarvis?.(lab);
    lab.jarvis = await startJarvis(shape, { natsUrl: lab.nats.url, dockerHost: lab.docker.host, config: typeof config === 'string' ? config : config(), env: options.env });
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

const LOG_TAIL_LINES = 40;

async function explainFailure<T>(lab: Lab, subject: string, step: Promise<T>): Promise<T> {
  try {
    return await step;
  } catch (error) {
    const story = await lab.reader
      .events((e) => e.subject === subject)
      .then(timeline, (e: Error) => `(event store unreadable: ${e.message})`);
    const processes = lab.jarvis.processes.map(({ targets, proc }) => {
      const state = proc.child.exitCode === null && proc.child.signalCode === null ? 'running' : `exited (${proc.child.exitCode ?? proc.child.signalCode})`;
      return `--- ${targets.join(',')}: ${state}\n${proc.log().split('\n').slice(-LOG_TAIL_LINES).join('\n')}`;
    });
    (error as Error).message += `\n${subject} in the event store:\n${story}\n${processes.join('\n')}`;
    throw error;
  }
}
