import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { judgeByEvents, type ContainerEventReading, type ContainerLifecycleEvent, type ContainerLifecycleKind } from './container-event-view.js';

const T0 = Date.parse('2025-03-01T12:00:00.000Z');
const at = (offsetMs: number) => new Date(T0 + offsetMs);
const FAULT = at(0);

const event = (kind: ContainerLifecycleKind, offsetMs: number): ContainerLifecycleEvent => ({
  kind,
  time: at(offsetMs),
  exitCode: kind === 'die' ? 137 : null,
  name: 'web',
  labels: { 'jarvis.watch': 'true' },
});
const reading = (connectedSinceMs: number | null, latest: ContainerLifecycleEvent | null): ContainerEventReading => ({
  connectedSince: connectedSinceMs === null ? null : at(connectedSinceMs),
  latest,
});

describe('judgeByEvents: do the events alone prove the container is still down since the fault?', () => {
  const table: Array<[string, ContainerEventReading, 'exited' | RegExp]> = [
    ['a die at the fault, on a stream connected before it', reading(-60_000, event('die', 0)), 'exited'],
    ['a die after the fault (it crashed again), nothing since', reading(-60_000, event('die', 500)), 'exited'],
    ['a die at the very moment the stream connected', reading(0, event('die', 0)), 'exited'],
    ['the stream is down', reading(null, event('die', 0)), /not connected/],
    ['the stream reconnected after the fault (a gap)', reading(1, event('die', 5)), /connected after the fault/],
    ['no event of this container since connecting', reading(-60_000, null), /no event/],
    ['a start after the die (someone started it)', reading(-60_000, event('start', 10)), /latest event is start/],
    ['a kill whose die has not arrived yet', reading(-60_000, event('kill', 0)), /latest event is kill/],
    ['an OOM whose die has not arrived yet', reading(-60_000, event('oom', 0)), /latest event is oom/],
    ['a health fault: the container runs, its latest event is its start before the fault', reading(-60_000, event('start', -30_000)), /latest event is start/],
    ['a die older than the fault (the fault is a later one the stream did not show)', reading(-60_000, event('die', -1)), /older than the fault/],
  ];
  for (const [given, seen, expected] of table) {
    it(`given ${given}, then ${expected === 'exited' ? 'the fault holds' : 'the engine is asked'}`, () => {
      const judged = judgeByEvents(seen, FAULT);
      if (expected === 'exited') assert.deepEqual(judged, { kind: 'exited', event: seen.latest });
      else {
        assert.equal(judged.kind, 'ask_engine');
        assert.match((judged as { why: string }).why, expected);
      }
    });
  }

  it('never calls a container failed when its latest event is a start, whatever the times', () => {
    for (const connectedMs of [null, -60_000, -1, 0, 1, 60_000]) {
      for (const startMs of [-60_000, -1, 0, 1, 60_000]) {
        assert.equal(judgeByEvents(reading(connectedMs, event('start', startMs)), FAULT).kind, 'ask_engine', `connected ${connectedMs}, start ${startMs}`);
      }
    }
  });
});
