import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WatchConfig } from '@jarvis/config';
import { containerTarget } from '@jarvis/contracts';
import type { ContainerEventReading, ContainerEventView } from './container-event-view.js';
import type { ContainerRuntime, ContainerSnapshot } from './container-runtime.js';
import { RestartContainer, RestartContainerParams } from './restart-container.js';

const T0 = Date.parse('2025-03-01T12:00:00.000Z');
const iso = (offsetMs: number) => new Date(T0 + offsetMs).toISOString();
const at = (offsetMs: number) => new Date(T0 + offsetMs);

const snapshot = (overrides: Partial<ContainerSnapshot> = {}): ContainerSnapshot => ({
  id: 'c1',
  name: 'web',
  labels: { 'jarvis.watch': 'true' },
  state: 'exited',
  startedAt: iso(-60_000),
  finishedAt: iso(-1000),
  exitCode: 137,
  oomKilled: false,
  health: null,
  restartCount: 0,
  restartsItself: false,
  ...overrides,
});
const watch = Object.assign(new WatchConfig(), { containers: ['named'], label: 'jarvis.watch=true' });

/** Answers every inspect with what the test says the engine shows; counts restarts. */
class EngineShowing implements ContainerRuntime {
  restarts: Array<{ name: string; stopTimeoutSeconds: number }> = [];
  inspects = 0;
  constructor(private readonly shown: ContainerSnapshot | null) {}
  inspect = async () => {
    this.inspects += 1;
    return this.shown;
  };
  list = async () => ({ snapshots: this.shown ? [this.shown] : [], unreadable: [] });
  restart = async (name: string, stopTimeoutSeconds: number) => {
    this.restarts.push({ name, stopTimeoutSeconds });
  };
}

/** The events as the test says this process has seen them, for any container asked about. */
class EventsShowing implements ContainerEventView {
  constructor(private readonly seen: ContainerEventReading) {}
  reading = () => this.seen;
}

function restartWith(shown: ContainerSnapshot | null, events?: ContainerEventView) {
  const engine = new EngineShowing(shown);
  const action = new RestartContainer(engine, { watch, stopTimeoutSeconds: 3, graceSeconds: 30, verification: { stableForMs: 2000, timeoutMs: 20_000 } }, events);
  return { engine, action };
}

const web = containerTarget('web');

describe('RestartContainer: reobserve, what a fresh look at the target says', () => {
  it('given a watched container still down, then the fault holds', async () => {
    assert.deepEqual(await restartWith(snapshot()).action.reobserve(web, at(0)), { kind: 'fault_holds' });
  });

  it('given a watched container running but unhealthy, then the fault holds', async () => {
    const unhealthy = snapshot({ state: 'running', health: { status: 'unhealthy', failingStreak: 3, firstFailureAt: iso(-5000) } });
    assert.deepEqual(await restartWith(unhealthy).action.reobserve(web, at(0)), { kind: 'fault_holds' });
  });

  it('given a watched container running again, then the decision is superseded with the evidence', async () => {
    const verdict = await restartWith(snapshot({ state: 'running' })).action.reobserve(web, at(0));
    assert.equal(verdict.kind, 'superseded');
    assert.match((verdict as { evidence: string }).evidence, /container_state ok .*running/);
  });

  it('given a container that no longer exists, then the decision is superseded', async () => {
    assert.deepEqual(await restartWith(null).action.reobserve(web, at(0)), { kind: 'superseded', evidence: 'the container no longer exists' });
  });

  it('given a container neither named nor labelled, then it is not watched', async () => {
    const verdict = await restartWith(snapshot({ name: 'stranger', labels: {} })).action.reobserve(containerTarget('stranger'), at(0));
    assert.equal(verdict.kind, 'not_watched');
  });

  it('given a container named in the config without the label, then it is watched', async () => {
    const verdict = await restartWith(snapshot({ name: 'named', labels: {} })).action.reobserve(containerTarget('named'), at(0));
    assert.deepEqual(verdict, { kind: 'fault_holds' });
  });
});

describe('RestartContainer: reobserve from the events this process has seen', () => {
  const fault = { check: 'container_state', faultAt: at(-1000) };
  const died = (labels: Record<string, string> = { 'jarvis.watch': 'true' }, name = 'web'): ContainerEventReading => ({
    connectedSince: at(-60_000),
    latest: { kind: 'die', time: at(-1000), exitCode: 137, name, labels },
  });

  it('given a die seen live since the fault, then the fault holds without an inspect', async () => {
    const { engine, action } = restartWith(snapshot({ state: 'running' }), new EventsShowing(died()));
    assert.deepEqual(await action.reobserve(web, at(0), fault), { kind: 'fault_holds' });
    assert.equal(engine.inspects, 0);
  });

  it('given a die of a container neither named nor labelled, then it is not watched, without an inspect', async () => {
    const { engine, action } = restartWith(snapshot(), new EventsShowing(died({}, 'stranger')));
    assert.equal((await action.reobserve(containerTarget('stranger'), at(0), fault)).kind, 'not_watched');
    assert.equal(engine.inspects, 0);
  });

  it('given a start seen after the die, then the engine is inspected and a running container supersedes the decision', async () => {
    const started: ContainerEventReading = { connectedSince: at(-60_000), latest: { kind: 'start', time: at(-500), exitCode: null, name: 'web', labels: {} } };
    const { engine, action } = restartWith(snapshot({ state: 'running' }), new EventsShowing(started));
    assert.equal((await action.reobserve(web, at(0), fault)).kind, 'superseded');
    assert.equal(engine.inspects, 1);
  });

  it('given a stream that reconnected after the fault, then the engine is inspected', async () => {
    const { engine, action } = restartWith(snapshot({ state: 'running' }), new EventsShowing({ ...died(), connectedSince: at(-10) }));
    assert.equal((await action.reobserve(web, at(0), fault)).kind, 'superseded');
    assert.equal(engine.inspects, 1);
  });

  it('given no fault named (a maintenance run, a consequence) or another check, then the engine is inspected', async () => {
    for (const named of [undefined, { check: 'http_health', faultAt: at(-1000) }]) {
      const { engine, action } = restartWith(snapshot({ state: 'running' }), new EventsShowing(died()));
      assert.equal((await action.reobserve(web, at(0), named)).kind, 'superseded');
      assert.equal(engine.inspects, 1);
    }
  });
});

describe('RestartContainer: execute, alreadyDone, verify', () => {
  it('restarts through the engine with the configured stop timeout and reports the state after', async () => {
    const { engine, action } = restartWith(snapshot({ state: 'running', startedAt: iso(10) }));
    const outcome = await action.execute(web, new RestartContainerParams(), AbortSignal.timeout(1000));
    assert.deepEqual(engine.restarts, [{ name: 'web', stopTimeoutSeconds: 3 }]);
    assert.equal(outcome.result, `restarted; now running since ${iso(10)}`);
  });

  it('says the effect already happened only for a start after the given time', async () => {
    const { action } = restartWith(snapshot({ state: 'running', startedAt: iso(5000) }));
    assert.equal(await action.alreadyDone(web, new RestartContainerParams(), at(4000)), true);
    assert.equal(await action.alreadyDone(web, new RestartContainerParams(), at(6000)), false);
  });

  it('verifies by re-running the container check over time: pending until stable, then passed', async () => {
    const { action } = restartWith(snapshot({ state: 'running', startedAt: iso(1000) }));
    assert.equal((await action.verify(web, new RestartContainerParams(), at(0), at(2000))).kind, 'pending');
    assert.equal((await action.verify(web, new RestartContainerParams(), at(0), at(3500))).kind, 'passed');
  });

  it('has a deadline of the stop timeout plus the grace Docker may still need', () => {
    assert.equal(restartWith(null).action.deadlineMs, 33_000);
  });
});
