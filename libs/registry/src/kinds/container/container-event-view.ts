/** The lifecycle events of a container that say whether it runs; anything else the engine reports is left out. */
export type ContainerLifecycleKind = 'die' | 'oom' | 'kill' | 'start';

export type ContainerLifecycleEvent = {
  kind: ContainerLifecycleKind;
  /** Engine time of the event. */
  time: Date;
  /** For die: the exit code the engine reported, if any. */
  exitCode: number | null;
  name: string;
  labels: Record<string, string>;
};

/** What one process has seen of the engine's event stream about one container. */
export type ContainerEventReading = {
  /** Since when the stream has been connected without a break; null while it is down. */
  connectedSince: Date | null;
  /** The latest lifecycle event of that container seen since then; null if none (or it was renamed or removed). */
  latest: ContainerLifecycleEvent | null;
};

/** The port to a live view of the engine's container events; the docker lib's EngineContainerEventView is the adapter. */
export interface ContainerEventView {
  reading(name: string): ContainerEventReading;
}

export type EventViewJudgement = { kind: 'exited'; event: ContainerLifecycleEvent } | { kind: 'ask_engine'; why: string };

/**
 * Whether the events alone prove that a container whose fault began at `faultAt` is still down: only a `die` at or
 * after the fault, seen on a stream connected since before it, with nothing seen after it. Anything less (a gap, no
 * event, a later start, a kill or OOM whose die has not arrived yet, a fault older than the stream) is a question for
 * the engine, because an answer from the events must never call a running container failed.
 */
export function judgeByEvents(reading: ContainerEventReading, faultAt: Date): EventViewJudgement {
  const { connectedSince, latest } = reading;
  if (connectedSince === null) return { kind: 'ask_engine', why: 'the event stream is not connected' };
  if (connectedSince.getTime() > faultAt.getTime()) return { kind: 'ask_engine', why: 'the event stream connected after the fault' };
  if (latest === null) return { kind: 'ask_engine', why: 'no event of this container since the stream connected' };
  if (latest.kind !== 'die') return { kind: 'ask_engine', why: `its latest event is ${latest.kind}` };
  if (latest.time.getTime() < faultAt.getTime()) return { kind: 'ask_engine', why: 'its latest die is older than the fault' };
  return { kind: 'exited', event: latest };
}
