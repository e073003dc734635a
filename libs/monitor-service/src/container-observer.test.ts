import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JarvisEventOf } from '@jarvis/contracts';
import type { ContainerListing, ContainerRuntime, ContainerSnapshot } from '@jarvis/registry';
import { ContainerObserver } from './container-observer.js';
import { ProbeResultRecorder } from './probe-result-recorder.js';
import { recordingMonitorHost } from './recording-host.test-support.js';
import { TargetLocks } from './target-locks.js';

const NOW = new Date('2025-03-01T12:00:00.000Z');
const DIED_AT = new Date('2025-03-01T11:59:59.900Z');

const RUNNING: ContainerSnapshot = {
  id: 'c0ffee',
  name: 'web',
  labels: { 'jarvis.watch': 'true' },
  state: 'running',
  startedAt: '2025-03-01T11:00:00.000Z',
  finishedAt: null,
  exitCode: 0,
  oomKilled: false,
  health: null,
  restartCount: 0,
  restartsItself: false,
};

/** An engine whose answers the test sets, counting the inspects it is asked for. */
class ScriptedEngine implements ContainerRuntime {
  inspects = 0;
  constructor(public answer: ContainerSnapshot | null) {}
  inspect(): Promise<ContainerSnapshot | null> {
    this.inspects += 1;
    return Promise.resolve(this.answer);
  }
  list(): Promise<ContainerListing> {
    return Promise.resolve({ snapshots: this.answer ? [this.answer] : [], unreadable: [] });
  }
  restart(): Promise<void> {
    return Promise.resolve();
  }
}

function given(snapshot: ContainerSnapshot) {
  const engine = new ScriptedEngine(snapshot);
  const { host, recorded } = recordingMonitorHost();
  const recorder = new ProbeResultRecorder(host, { redetectAfterMs: 30_000, restateStopAfterMs: 3_600_000 });
  const observer = new ContainerObserver(engine, host, new TargetLocks(), recorder, () => NOW);
  const detections = () => recorded.filter((e): e is JarvisEventOf<'DetectionRecorded'> => e.type === 'DetectionRecorded').map((e) => e.data);
  return { engine, observer, detections };
}

const die = { containerId: 'c0ffee', exitCode: 137, time: DIED_AT };

describe('ContainerObserver, a death reported by the engine', () => {
  it('given a container inspected while running, when it dies, then the detection comes from the event without another inspect', async () => {
    const { engine, observer, detections } = given(RUNNING);
    await observer.observe('web', false);
    engine.answer = { ...RUNNING, state: 'exited', exitCode: 137, finishedAt: '2025-03-01T11:59:59.800Z' };
    const view = await observer.exited('web', die);
    assert.equal(engine.inspects, 1);
    assert.equal(view.status, 'failed');
    assert.deepEqual(detections().map((d) => [d.status, d.reason, d.faultAt]), [['failed', 'exited: exited with code 137', DIED_AT.toISOString()]]);
  });

  it('given an oom event before the death, then the detection names the OOM killer', async () => {
    const { observer, detections } = given(RUNNING);
    await observer.observe('web', false);
    observer.oom('c0ffee');
    await observer.exited('web', die);
    assert.equal(detections()[0]?.reason, 'exited: killed by the kernel OOM killer');
  });

  it('given a container never inspected, then it is inspected', async () => {
    const { engine, observer, detections } = given({ ...RUNNING, state: 'exited', exitCode: 1, finishedAt: '2025-03-01T11:59:59.800Z' });
    await observer.exited('web', { ...die, exitCode: 1 });
    assert.equal(engine.inspects, 1);
    assert.equal(detections()[0]?.faultAt, '2025-03-01T11:59:59.800Z');
  });

  it('given a restart policy of its own, then the engine is asked, and a container it is restarting is no fault', async () => {
    const { engine, observer, detections } = given({ ...RUNNING, restartsItself: true });
    await observer.observe('web', false);
    engine.answer = { ...RUNNING, restartsItself: true, state: 'restarting' };
    const view = await observer.exited('web', die);
    assert.equal(engine.inspects, 2);
    assert.equal(view.status, 'ok');
    assert.deepEqual(detections(), []);
  });

  it('given a start seen before the death had its turn, then the engine is asked and the container is running', async () => {
    const { engine, observer, detections } = given(RUNNING);
    await observer.observe('web', false);
    const judged = observer.exited('web', die);
    observer.started('web');
    assert.equal((await judged).status, 'ok');
    assert.equal(engine.inspects, 2);
    assert.deepEqual(detections(), []);
  });

  it('given an API kill just before the death, then the exit is the owner stopping it', async () => {
    const { observer, detections } = given(RUNNING);
    await observer.observe('web', false);
    observer.killed('web', DIED_AT);
    await observer.exited('web', die);
    assert.deepEqual(detections().map((d) => d.status), ['stopped']);
  });
});
