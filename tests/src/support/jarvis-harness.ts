import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, spawnTracked, waitFor, type TrackedProcess } from './processes.js';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const JARVIS_BIN = join(REPO_ROOT, 'apps', 'jarvis', 'bin', 'jarvis.js');

export type Shape = 'all-in-one' | 'split';

/** Process groups of each shape: one process with everything, or one per service. */
export const SHAPE_TARGETS: Record<Shape, string[][]> = {
  'all-in-one': [['monitor', 'policy', 'executor', 'config-editor', 'audit', 'gateway']],
  split: [['monitor'], ['policy'], ['executor'], ['config-editor'], ['audit'], ['gateway']],
};

export type JarvisOptions = {
  natsUrl: string;
  dockerHost: string;
  config: string;
  env?: NodeJS.ProcessEnv;
  /** Extra environment of the process running `targets` (e.g. its own NATS identity). */
  envOf?: (targets: string[]) => NodeJS.ProcessEnv;
};

export type JarvisProcess = { targets: string[]; proc: TrackedProcess };

export type JarvisDeployment = {
  httpPort: number;
  dir: string;
  processes: JarvisProcess[];
  /** The process running `service` (in all-in-one, the only one). */
  processOf(service: string): JarvisProcess;
  /** Starts the process that runs `targets` again after it was stopped or killed. */
  restart(process: JarvisProcess): Promise<void>;
  stop(): Promise<void>;
  logs(): string;
};

export async function startJarvis(shape: Shape, options: JarvisOptions): Promise<JarvisDeployment> {
  const dir = mkdtempSync(join(tmpdir(), 'jarvis-run-'));
  const configFile = join(dir, 'jarvis.yaml');
  writeFileSync(configFile, options.config);
  // The gateway starts last in the split shape, tens of seconds after this is chosen.
  const httpPort = await freePort();
  const env = { ...process.env, NATS_URL: options.natsUrl, DOCKER_HOST: options.dockerHost, JARVIS_CONFIG: configFile, JARVIS_HTTP_PORT: String(httpPort), JARVIS_DATA_DIR: dir, ...options.env };
  const launch = async (targets: string[], generation: number): Promise<TrackedProcess> => {
    const proc = spawnTracked(process.execPath, [JARVIS_BIN, 'start', '--target', targets.join(',')], {
      env: { ...env, ...options.envOf?.(targets) },
      logFile: join(dir, `${targets.join('+')}.${generation}.log`),
      cwd: REPO_ROOT,
    });
    await waitFor(`jarvis ${targets.join(',')} to start`, () => {
      if (proc.child.exitCode !== null) throw new Error(`exited with ${proc.child.exitCode}:\n${proc.log()}`);
      return proc.log().includes('started ');
    }, 30_000);
    return proc;
  };
  const processes: JarvisProcess[] = [];
  const generations = new Map<JarvisProcess, number>();
  for (const targets of SHAPE_TARGETS[shape]) {
    const entry = { targets, proc: await launch(targets, 0) };
    generations.set(entry, 0);
    processes.push(entry);
  }
  return {
    httpPort,
    dir,
    processes,
    processOf: (service) => processes.find((p) => p.targets.includes(service))!,
    restart: async (entry) => {
      const generation = (generations.get(entry) ?? 0) + 1;
      generations.set(entry, generation);
      entry.proc = await launch(entry.targets, generation);
    },
    stop: async () => {
      await Promise.all(processes.map((p) => p.proc.stop('SIGTERM', 20_000)));
    },
    logs: () => processes.map((p) => `--- ${p.targets.join(',')}\n${p.proc.log()}`).join('\n'),
  };
}
