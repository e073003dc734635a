import type { JarvisEvent } from '@jarvis/contracts';
import type { ProcessorHost } from '@jarvis/service-kit';
import { evolveMonitor, initialMonitorState, type MonitorState } from './monitor-state.js';

type Options = {
  /** Folded into the state before the test, as history the host had already: not among `recorded`. */
  seed?: readonly JarvisEvent[];
  /** Sees each recorded event first (to fail a test on one the store would refuse). */
  inspect?: (event: JarvisEvent) => void;
};

/** A monitor's processor host for unit tests: it keeps every event recorded, in order, and folds it in as the real host does. */
export function recordingMonitorHost({ seed = [], inspect = () => undefined }: Options = {}): { host: ProcessorHost<MonitorState>; recorded: JarvisEvent[] } {
  const recorded: JarvisEvent[] = [];
  let state = seed.reduce((folded: MonitorState, event) => evolveMonitor(folded, event), initialMonitorState());
  const record = (event: JarvisEvent): Promise<void> => {
    inspect(event);
    recorded.push(event);
    state = evolveMonitor(state, event);
    return Promise.resolve();
  };
  const recordInOrder = async (events: readonly JarvisEvent[]): Promise<void> => {
    for (const event of events) await record(event);
  };
  return { host: { state: () => state, record, recordInOrder } as unknown as ProcessorHost<MonitorState>, recorded };
}
