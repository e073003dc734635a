import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WatchConfig } from '@jarvis/config';
import { containerTarget, createEvent, derivedId, type JarvisEvent } from '@jarvis/contracts';
import { DockerodeRuntime, EngineContainerEventView } from '@jarvis/docker';
import type { HandlerContext } from '@jarvis/event-log';
import { ExecutorProcessor, type ExecutorState } from '@jarvis/executor-service';
import { RestartContainer, type ContainerListing, type ContainerRuntime, type ContainerSnapshot, type FaultInQuestion } from '@jarvis/registry';
import { extractContext } from '@jarvis/telemetry';
import { crashMainProcess, runContainer, startDockerd, waitRunning, type DockerHarness } from '../support/docker-harness.js';
import { killAllTracked, waitFor } from '../support/processes.js';

/** The real engine adapter, counting what it is asked: an inspect spared is the point of the event view. */
class CountingRuntime implements ContainerRuntime {
  inspects = 0;
  restarts = 0;
  constructor(private readonly engine: DockerodeRuntime) {}
  inspect(name: string): Promise<ContainerSnapshot | null> {
    this.inspects += 1;
    return this.engine.inspect(name);
  }
  list(): Promise<ContainerListing> {
    return this.engine.list();
  }
  restart(name: string, stopTimeoutSeconds: number): Promise<void> {
    this.restarts += 1;
    return this.engine.restart(name, stopTimeoutSeconds);
  }
}

const NAME = 'crashing';
const target = containerTarget(NAME);
const watch = Object.assign(new WatchConfig(), { containers: [], label: 'jarvis.watch=true' });

describe("the executor's own view of the engine's events, against a real dockerd", { timeout: 240_000 }, () => {
  let engine: DockerHarness;
  let view: EngineContainerEventView;
  let runtime: CountingRuntime;
  let action: RestartContainer;

  before(async () => {
    engine = await startDockerd();
    const limits = { callTimeoutMs: 10_000, endpoint: engine.host };
    view = new EngineContainerEventView(engine.docker, limits, () => new Date(), () => undefined);
    await view.start();
    runtime = new CountingRuntime(new DockerodeRuntime(engine.docker, limits));
    action = new RestartContainer(runtime, { watch, stopTimeoutSeconds: 1, graceSeconds: 30, verification: { stableForMs: 500, timeoutMs: 10_000 } }, view);
    await runContainer(engine.docker, { name: NAME, cmd: ['sleep', '100000'], watched: true });
    await waitRunning(engine.docker, NAME);
  });

  after(async () => {
    view?.stop();
    await engine?.stop();
    await killAllTracked();
  });

  /** Crashes the container and returns its fault as the monitor records it: the engine's FinishedAt. */
  async function crash(): Promise<FaultInQuestion> {
    if (!(await engine.docker.getContainer(NAME).inspect()).State.Running) await engine.docker.getContainer(NAME).start();
    await waitRunning(engine.docker, NAME);
    await crashMainProcess(engine.docker, NAME);
    const info = await waitFor('the container to exit', async () => {
      const inspected = await engine.docker.getContainer(NAME).inspect();
      return inspected.State.Running ? undefined : inspected;
    }, 10_000, 20);
    return { check: 'container_state', faultAt: new Date(info.State.FinishedAt) };
  }

  it('given a crash seen live, then the fault is confirmed from the events, without an inspect', async () => {
    const fault = await crash();
    await waitFor('the die in the view', () => view.reading(NAME).latest?.kind === 'die', 10_000, 20);
    const inspects = runtime.inspects;
    assert.deepEqual(await action.reobserve(target, new Date(), fault), { kind: 'fault_holds' });
    assert.equal(runtime.inspects, inspects, 'no inspect');
    assert.ok(view.reading(NAME).latest!.time.getTime() >= fault.faultAt.getTime(), "the die's engine time is at or after FinishedAt");
  });

  it('given someone else started it after the crash, then the engine is asked, and the executor records it healed without a restart', async () => {
    const fault = await crash();
    await waitFor('the die in the view', () => view.reading(NAME).latest?.kind === 'die', 10_000, 20);
    await engine.docker.getContainer(NAME).start();
    await waitFor('the start in the view', () => view.reading(NAME).latest?.kind === 'start', 10_000, 20);
    const { stored, inspects } = await handleDecision(fault);
    assert.deepEqual(stored.map((e) => e.type), ['DecisionSuperseded']);
    assert.equal(runtime.restarts, 0, 'no restart issued');
    assert.equal(runtime.inspects, inspects + 1, 'one inspect');
  });

  it('given the engine restarted (the stream broke and reconnected), then the engine is asked again', async () => {
    const fault = await crash();
    await waitFor('the die in the view', () => view.reading(NAME).latest?.kind === 'die', 10_000, 20);
    await engine.process.stop('SIGTERM', 30_000);
    await waitFor('the view to see the break', () => view.reading(NAME).connectedSince === null, 10_000, 20);
    engine = await startDockerd(engine.dir);
    await waitFor('the view to reconnect', () => view.reading(NAME).connectedSince !== null, 60_000, 100);
    assert.equal(view.reading(NAME).latest, null, 'what was seen before the break is forgotten');
    const inspects = runtime.inspects;
    assert.deepEqual(await action.reobserve(target, new Date(), fault), { kind: 'fault_holds' });
    assert.equal(runtime.inspects, inspects + 1, 'one inspect');
  });

  /** One execute decision for the fault, handled by the real executor processor with the real action. */
  async function handleDecision(fault: FaultInQuestion): Promise<{ stored: JarvisEvent[]; inspects: number }> {
    const now = new Date();
    const incident = derivedId('executor-event-view', now.toISOString());
    const envelope = { source: 'monitor' as const, time: now.toISOString(), subject: `container:${NAME}`, correlationId: incident, causationId: null };
    const opened = createEvent({ ...envelope, id: derivedId('opened', incident), type: 'IncidentOpened', data: { target, check: fault.check, detectionId: derivedId('detection', incident), faultAt: fault.faultAt.toISOString(), summary: 'exited' } });
    const decision = createEvent({
      ...envelope,
      id: derivedId('decision', incident),
      source: 'policy',
      type: 'RemediationDecided',
      data: { target, outcome: 'execute', action: action.name, params: {}, risk: 'low', rule: 'auto_remediation', reason: 'crashed', attempt: 1, notBefore: now.toISOString() },
    });
    const processor = new ExecutorProcessor(new Map([[action.name, action]]), {
      maxDecisionAgeMs: 120_000,
      autonomy: { autoRestart: true, maxAutonomousRisk: 'medium' },
      closedCaseRetentionMs: 3_600_000,
      appendRetry: { initialMs: 1, maxMs: 2, giveUpAfterMs: 1000 },
      handlerTimeoutMs: 60_000,
    });
    let state = processor.initialState();
    for (const event of [opened, decision]) state = processor.evolve(state, event);
    const stored: JarvisEvent[] = [];
    const inspects = runtime.inspects;
    const ctx: HandlerContext<ExecutorState> = {
      state: () => state,
      now: () => new Date(),
      emit: async (event) => {
        stored.push(event);
        state = processor.evolve(state, event);
      },
      trace: extractContext(undefined),
      redeliveries: 0,
      inProgress: () => undefined,
    };
    await processor.handle(decision, ctx);
    return { stored, inspects };
  }
});
