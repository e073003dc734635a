import type { ContainerSnapshot } from '@jarvis/registry';

export type ContainerExit = { containerId: string; exitCode: number | null; time: Date; oomKilled: boolean };

/**
 * What a `die` event says about a container inspected before: enough to judge the exit without asking the engine
 * again, which answers an inspect only once it has cleaned the container up under its lock (tens of ms after the
 * event). Null when the event cannot stand for an inspect: another container under that name, an exit code the
 * engine left out, or a restart policy that may already be bringing it back (an inspect then says "restarting").
 */
export function snapshotAfterExit(last: ContainerSnapshot, exit: ContainerExit): ContainerSnapshot | null {
  if (last.id !== exit.containerId || exit.exitCode === null || last.restartsItself) return null;
  return { ...last, state: 'exited', finishedAt: exit.time.toISOString(), exitCode: exit.exitCode, oomKilled: exit.oomKilled };
}
