import type Docker from 'dockerode';
import type { ContainerEventReading, ContainerEventView, ContainerLifecycleEvent, ContainerLifecycleKind } from '@jarvis/registry';
import { ContainerEventStream, type ContainerEvent } from './container-events.js';
import type { DockerCallLimits } from './dockerode-runtime.js';

const LIFECYCLE: ReadonlySet<string> = new Set<ContainerLifecycleKind>(['die', 'oom', 'kill', 'start']);

function isLifecycle(kind: string): kind is ContainerLifecycleKind {
  return LIFECYCLE.has(kind);
}

/**
 * One process's own follower of the engine's container events: per container name, the latest lifecycle event seen
 * since the stream last connected. A break forgets everything, so whatever is remembered was seen without a gap.
 */
export class EngineContainerEventView implements ContainerEventView {
  private readonly stream: ContainerEventStream;
  private readonly latest = new Map<string, ContainerLifecycleEvent>();
  private connectedSince: Date | null = null;
  /** A break is reported once, not at every reconnection attempt while the engine stays away. */
  private breakReported = false;

  constructor(
    docker: Docker,
    limits: DockerCallLimits,
    private readonly clock: () => Date,
    onError: (error: Error) => void,
  ) {
    this.stream = new ContainerEventStream(docker, limits, {
      onEvent: (event) => this.record(event),
      onConnected: () => {
        this.breakReported = false;
        this.restart(this.clock());
      },
      onDisconnected: () => this.restart(null),
      onError: (error) => {
        if (this.breakReported) return;
        this.breakReported = true;
        onError(error);
      },
    });
  }

  start(): Promise<void> {
    return this.stream.start();
  }

  stop(): void {
    this.stream.stop();
    this.restart(null);
  }

  reading(name: string): ContainerEventReading {
    return { connectedSince: this.connectedSince, latest: this.latest.get(name) ?? null };
  }

  private restart(connectedSince: Date | null): void {
    this.latest.clear();
    this.connectedSince = connectedSince;
  }

  /** A removed or renamed container is forgotten under each name it had: a new one may take the name. */
  private record(event: ContainerEvent): void {
    if (event.kind === 'destroy' || event.kind === 'rename') {
      this.latest.delete(event.name);
      if (event.oldName) this.latest.delete(event.oldName);
      return;
    }
    const { kind, name, labels, exitCode, time } = event;
    if (isLifecycle(kind)) this.latest.set(name, { kind, time, exitCode, name, labels });
  }
}
