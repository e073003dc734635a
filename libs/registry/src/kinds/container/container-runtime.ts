export type ContainerHealth = {
  status: 'starting' | 'healthy' | 'unhealthy';
  failingStreak: number;
  /** Start of the first failing probe of the current failing streak, if any. */
  firstFailureAt: string | null;
};

/** What Jarvis needs to know about one container, independent of the Docker client library. */
export type ContainerSnapshot = {
  id: string;
  name: string;
  labels: Record<string, string>;
  state: 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';
  startedAt: string | null;
  finishedAt: string | null;
  exitCode: number | null;
  oomKilled: boolean;
  health: ContainerHealth | null;
  restartCount: number;
  /** Docker's own restart policy (always, unless-stopped, on-failure) may bring it back after an exit. */
  restartsItself: boolean;
};

/** A listed container whose inspect failed (e.g. timed out): it exists, its state is unknown. */
export type UnreadableContainer = { name: string; labels: Record<string, string>; error: string };

export type ContainerListing = { snapshots: ContainerSnapshot[]; unreadable: UnreadableContainer[] };

/** The port to the container engine; the docker lib's DockerodeRuntime is the adapter. */
export interface ContainerRuntime {
  inspect(name: string): Promise<ContainerSnapshot | null>;
  list(): Promise<ContainerListing>;
  restart(name: string, stopTimeoutSeconds: number): Promise<void>;
}
