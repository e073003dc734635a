import type Docker from 'dockerode';
import type { ContainerHealth, ContainerRuntime, ContainerSnapshot } from '@jarvis/checks';

const ZERO_TIME = '0001-01-01T00:00:00Z';

export class DockerodeRuntime implements ContainerRuntime {
  constructor(private readonly docker: Docker) {}

  async inspect(name: string): Promise<ContainerSnapshot | null> {
    try {
      return toSnapshot(await this.docker.getContainer(name).inspect());
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return null;
      throw error;
    }
  }

  async list(): Promise<ContainerSnapshot[]> {
    const summaries = await this.docker.listContainers({ all: true });
    const snapshots = await Promise.all(summaries.map((s) => this.inspect(s.Id)));
    return snapshots.filter((s): s is ContainerSnapshot => s !== null);
  }

  async restart(name: string, stopTimeoutSeconds: number): Promise<void> {
    await this.docker.getContainer(name).restart({ t: stopTimeoutSeconds });
  }
}

export function toSnapshot(info: Docker.ContainerInspectInfo): ContainerSnapshot {
  const state = info.State;
  return {
    id: info.Id,
    name: info.Name.replace(/^\//, ''),
    labels: info.Config?.Labels ?? {},
    state: state.Status as ContainerSnapshot['state'],
    startedAt: realTime(state.StartedAt),
    finishedAt: realTime(state.FinishedAt),
    exitCode: typeof state.ExitCode === 'number' ? state.ExitCode : null,
    oomKilled: Boolean(state.OOMKilled),
    health: toHealth(state.Health),
    restartCount: info.RestartCount ?? 0,
  };
}

function toHealth(health: Docker.ContainerInspectInfo['State']['Health']): ContainerHealth | null {
  if (!health?.Status || health.Status === 'none') return null;
  const log = health.Log ?? [];
  let firstFailureAt: string | null = null;
  for (let i = log.length - 1; i >= 0 && log[i]!.ExitCode !== 0; i--) firstFailureAt = log[i]!.Start;
  return { status: health.Status as ContainerHealth['status'], failingStreak: health.FailingStreak ?? 0, firstFailureAt: firstFailureAt ? new Date(firstFailureAt).toISOString() : null };
}

function realTime(value: string | undefined): string | null {
  return !value || value === ZERO_TIME ? null : new Date(value).toISOString();
}
