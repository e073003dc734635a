import type Docker from 'dockerode';
import { dockerCall } from './docker-call.js';
import type { DockerCallLimits } from './dockerode-runtime.js';

export type ContainerEventKind = 'die' | 'oom' | 'kill' | 'start' | 'health_status' | 'destroy' | 'rename';

export type ContainerEvent = {
  kind: ContainerEventKind;
  containerId: string;
  name: string;
  labels: Record<string, string>;
  /** For health_status: healthy / unhealthy / starting. */
  healthStatus: string | null;
  exitCode: number | null;
  /** For rename: the name before (compose renames a container it recreates before removing it). */
  oldName: string | null;
  /** Engine time of the event, to the nanosecond where the engine gives it. */
  time: Date;
};

export type ContainerEventHandlers = {
  onEvent(event: ContainerEvent): void;
  /** The stream (re)connected: whatever happened while it was down must be reconciled. */
  onConnected(): void;
  /** The stream broke or could not be opened: events may be missed until the next onConnected. */
  onDisconnected?(): void;
  onError(error: Error): void;
};

const KINDS = new Set<string>(['die', 'oom', 'kill', 'start', 'health_status', 'destroy', 'rename']);
/** Quick retries for a blip (an engine restart), then slower ones: an engine that is absent is asked every 30 s. */
const RECONNECT_MS = [200, 500, 1000, 2000, 5000, 10_000, 20_000, 30_000];

/** Follows the engine's container events, reconnecting with backoff until stopped. */
export class ContainerEventStream {
  private stream: NodeJS.ReadableStream | undefined;
  private stopped = false;
  private failures = 0;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly docker: Docker,
    private readonly limits: DockerCallLimits,
    private readonly handlers: ContainerEventHandlers,
  ) {}

  async start(): Promise<void> {
    await this.connect();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    (this.stream as unknown as { destroy?: () => void } | undefined)?.destroy?.();
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    try {
      // The deadline covers the request until the engine answers; the stream itself then stays open for good.
      const stream = (await dockerCall({ what: 'events stream', deadlineMs: this.limits.callTimeoutMs, endpoint: this.limits.endpoint }, (abortSignal) =>
        this.docker.getEvents({ filters: { type: ['container'] }, abortSignal }),
      )) as NodeJS.ReadableStream;
      this.stream = stream;
      this.failures = 0;
      let buffer = '';
      stream.on('data', (chunk: Buffer) => {
        buffer += chunk.toString('utf8');
        let newline: number;
        while ((newline = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, newline).trim();
          buffer = buffer.slice(newline + 1);
          if (line) this.dispatch(line);
        }
      });
      stream.on('error', (error: Error) => {
        this.handlers.onDisconnected?.();
        this.handlers.onError(error);
      });
      stream.on('close', () => this.scheduleReconnect());
      stream.on('end', () => this.scheduleReconnect());
      this.handlers.onConnected();
    } catch (error) {
      this.handlers.onError(error as Error);
      this.scheduleReconnect();
    }
  }

  private scheduleReconnect(): void {
    this.handlers.onDisconnected?.();
    if (this.stopped || this.retryTimer) return;
    const delay = RECONNECT_MS[Math.min(this.failures++, RECONNECT_MS.length - 1)]!;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.connect();
    }, delay);
  }

  private dispatch(line: string): void {
    const event = parseContainerEvent(line);
    if (event) this.handlers.onEvent(event);
  }
}

type RawEvent = { Type?: string; Action?: string; time?: number; timeNano?: number; Actor?: { ID?: string; Attributes?: Record<string, string> } };

export function parseContainerEvent(line: string): ContainerEvent | null {
  let raw: RawEvent;
  try {
    raw = JSON.parse(line) as RawEvent;
  } catch {
    return null;
  }
  if (raw.Type !== 'container' || !raw.Action || !raw.Actor?.ID) return null;
  const [action, detail] = raw.Action.split(': ');
  if (!action || !KINDS.has(action)) return null;
  const { name = '', exitCode, oldName, ...rest } = raw.Actor.Attributes ?? {};
  return {
    kind: action as ContainerEventKind,
    containerId: raw.Actor.ID,
    name,
    labels: rest,
    healthStatus: action === 'health_status' ? (detail ?? null) : null,
    exitCode: exitCode !== undefined ? Number(exitCode) : null,
    oldName: action === 'rename' && oldName ? oldName.replace(/^\//, '') : null,
    time: raw.timeNano ? new Date(raw.timeNano / 1e6) : new Date((raw.time ?? 0) * 1000),
  };
}
