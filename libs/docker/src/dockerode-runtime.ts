import type Docker from 'dockerode';
import type { ContainerHealth, ContainerListing, ContainerRuntime, ContainerSnapshot } from '@jarvis/registry';
import { dockerCall } from './docker-call.js';

const ZERO_TIME = '0001-01-01T00:00:00Z';

export type DockerCallLimits = {
  /** Deadline of one API call; a restart gets its stop timeout on top. */
  callTimeoutMs: number;
  /** The engine's address as DOCKER_HOST spells it, for messages. */
  endpoint: string;
};

export class DockerodeRuntime implements ContainerRuntime {
  constructor(
    private readonly docker: Docker,
    private readonly limits: DockerCallLimits,
  ) {}

  async inspect(name: string): Promise<ContainerSnapshot | null> {
    try {
      return toSnapshot(await this.call(`inspect of container ${name}`, this.limits.callTimeoutMs, (abortSignal) => this.docker.getContainer(name).inspect({ abortSignal })));
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return null;
      throw error;
    }
  }

  /** Every container; one that cannot be inspected in time is listed as unreadable, so the others still count. */
  async list(): Promise<ContainerListing> {
    const summaries = await this.call('list of containers', this.limits.callTimeoutMs, (abortSignal) => this.docker.listContainers({ all: true, abortSignal }));
    const listing: ContainerListing = { snapshots: [], unreadable: [] };
    await Promise.all(
      summaries.map(async (summary) => {
        const name = (summary.Names[0] ?? summary.Id).replace(/^\//, '');
        try {
          const snapshot = await this.inspect(summary.Id);
          if (snapshot) listing.snapshots.push(snapshot);
        } catch (error) {
          listing.unreadable.push({ name, labels: summary.Labels ?? {}, error: (error as Error).message });
        }
      }),
    );
    return listing;
  }

  async restart(name: string, stopTimeoutSeconds: number): Promise<void> {
    await this.call(`restart of container ${name}`, this.limits.callTimeoutMs + stopTimeoutSeconds * 1000, (abortSignal) =>
      this.docker.getContainer(name).restart({ t: stopTimeoutSeconds, abortSignal }),
    );
  }

  private call<T>(what: string, deadlineMs: number, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
    return dockerCall({ what, deadlineMs, endpoint: this.limits.endpoint }, call);
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
    restartsItself: !['', 'no'].includes(info.HostConfig?.RestartPolicy?.Name ?? ''),
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
