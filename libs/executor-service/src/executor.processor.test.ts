import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { containerTarget, createEvent, derivedId, type JarvisEvent, type JarvisEventOf } from '@jarvis/contracts';
import type { HandlerContext } from '@jarvis/event-log';
import type { FaultInQuestion, Reobservation, RemediationAction } from '@jarvis/registry';
import { extractContext } from '@jarvis/telemetry';
import { ExecutorProcessor } from './executor.processor.js';
import type { ExecutorState } from './executor-state.js';

const T0 = Date.parse('2025-03-01T12:00:00.000Z');
const iso = (offsetMs: number) => new Date(T0 + offsetMs).toISOString();
const INCIDENT = derivedId('test', 'incident');
const target = containerTarget('web');

const opened = createEvent({ id: derivedId('opened'), type: 'IncidentOpened', source: 'monitor', time: iso(0), subject: 'container:web', correlationId: INCIDENT, causationId: null, data: { target, check: 'container_state', detectionId: derivedId('det'), faultAt: iso(0), summary: 'down' } });
const decision = createEvent({
  id: derivedId('decision'),
  type: 'RemediationDecided',
  source: 'policy',
  time: iso(0),
  subject: 'container:web',
  correlationId: INCIDENT,
  causationId: opened.id,
  data: { target, outcome: 'execute', action: 'restart_container', params: {}, risk: 'low', rule: 'auto_remediation', reason: 'x', attempt: 1, notBefore: iso(0) },
});

class NoParams {}

/** A restart whose fault always holds, that counts its runs and reports itself done once it has run. */
class CountingRestart implements RemediationAction {
  readonly name = 'restart_container';
  readonly kind = 'container' as const;
  readonly risk = 'low' as const;
  readonly params = NoParams;
  readonly deadlineMs: number = 0;
  runs = 0;
  defaultParams(): NoParams {
    return new NoParams();
  }
  async alreadyDone(): Promise<boolean> {
    return this.runs > 0;
  }
  async reobserve(_target?: unknown, _now?: Date, _fault?: FaultInQuestion): Promise<Reobservation> {
    return { kind: 'fault_holds' };
  }
  async execute() {
    this.runs += 1;
    return { result: 'restarted', details: {} };
  }
  async verify() {
    return { kind: 'passed' as const, evidence: 'up' };
  }
}

/** The log as the handler sees it: appends of the listed types fail while `failing` says so. */
function world(action: RemediationAction, giveUpAfterMs = 10_000) {
  const processor = new ExecutorProcessor(new Map([[action.name, action]]), {
    maxDecisionAgeMs: 120_000,
    autonomy: { autoRestart: true, maxAutonomousRisk: 'medium' },
    closedCaseRetentionMs: 3_600_000,
    appendRetry: { initialMs: 1, maxMs: 2, giveUpAfterMs },
    handlerTimeoutMs: 60_000,
  });
  let state = processor.initialState();
  for (const event of [opened, decision]) state = processor.evolve(state, event);
  const stored: JarvisEvent[] = [];
  const outage = { failing: new Set<string>(), failures: 0 };
  const ctx: HandlerContext<ExecutorState> = {
    state: () => state,
    now: () => new Date(T0 + 1000),
    emit: async (event) => {
      if (outage.failing.has(event.type)) {
        outage.failures += 1;
        throw new Error('TIMEOUT');
      }
      stored.push(event);
      state = processor.evolve(state, event);
    },
    trace: extractContext(undefined),
    redeliveries: 0,
    inProgress: () => undefined,
  };
  return { processor, ctx, stored, outage };
}

describe('ExecutorProcessor: the outcome of an action that ran', () => {
  it('given the append of ActionSucceeded fails a few times, then it is retried and stored, and never recorded as ActionFailed', async () => {
    const action = new CountingRestart();
    const { processor, ctx, stored, outage } = world(action);
    outage.failing.add('ActionSucceeded');
    const handling = processor.handle(decision, ctx);
    await new Promise((resolve) => setTimeout(resolve, 5));
    outage.failing.clear();
    await handling;
    assert.ok(outage.failures >= 1);
    assert.deepEqual(stored.map((e) => e.type), ['ActionStarted', 'ActionSucceeded']);
    assert.equal(action.runs, 1);
  });

  it('given the append of ActionStarted fails a few times (its acknowledgement lost to a NATS drop), then it is retried and the action runs once', async () => {
    const action = new CountingRestart();
    const { processor, ctx, stored, outage } = world(action);
    outage.failing.add('ActionStarted');
    const handling = processor.handle(decision, ctx);
    await new Promise((resolve) => setTimeout(resolve, 5));
    outage.failing.clear();
    await handling;
    assert.ok(outage.failures >= 1);
    assert.deepEqual(stored.map((e) => e.type), ['ActionStarted', 'ActionSucceeded']);
    assert.equal(action.runs, 1);
  });

  it('given ActionSucceeded cannot be stored at all, then the delivery fails, and its retry finds the effect instead of acting again', async () => {
    const action = new CountingRestart();
    const { processor, ctx, stored, outage } = world(action, 30);
    outage.failing.add('ActionSucceeded');
    await assert.rejects(processor.handle(decision, ctx), /TIMEOUT/);
    assert.deepEqual(stored.map((e) => e.type), ['ActionStarted'], 'no ActionFailed for an append failure');
    outage.failing.clear();
    await processor.handle(decision, ctx);
    assert.deepEqual(stored.map((e) => e.type), ['ActionStarted', 'ActionSucceeded']);
    assert.equal(action.runs, 1, 'restarted once');
    assert.match((stored[1] as JarvisEventOf<'ActionSucceeded'>).data.result, /completed before/);
  });
});

/** A cleanup as the disk kind has it: made by this process, harmless to run twice, invisible to alreadyDone. */
class CountingCleanup extends CountingRestart {
  readonly rerunsWhenInterrupted = true;
  override readonly deadlineMs = 120_000;
  override async alreadyDone(): Promise<boolean> {
    return false;
  }
  override async reobserve(): Promise<Reobservation> {
    return { kind: 'superseded', evidence: 'the interrupted run had freed the space' };
  }
}

describe('ExecutorProcessor: resuming an action interrupted by a crash', () => {
  const interrupted = (at: number) =>
    createEvent({ id: derivedId('ActionStarted', decision.id), type: 'ActionStarted', source: 'executor', time: iso(at), subject: 'container:web', correlationId: INCIDENT, causationId: decision.id, data: { target, decisionId: decision.id, action: 'restart_container', attempt: 1, params: {} } });

  it('given an action that reruns harmlessly was started by an executor killed -9, then it runs again at once and ends with its result', { timeout: 10_000 }, async () => {
    const action = new CountingCleanup();
    const { processor, ctx, stored } = world(action);
    const started = interrupted(500);
    const state = processor.evolve(ctx.state(), started);
    const resumed = { ...ctx, state: () => state, emit: async (event: JarvisEvent) => { stored.push(event); } };
    await processor.handle(decision, resumed);
    assert.deepEqual(stored.map((e) => e.type), ['ActionSucceeded'], 'no second ActionStarted, no supersession of an action that may have acted');
    assert.equal(action.runs, 1);
  });

  describe('a config edit interrupted by a crash: the editor\'s events for the run answer it', () => {
    /** An edit through the config editor, then a forced update: done once `published` says so. */
    class CountingEdit extends CountingRestart {
      readonly editsConfig = true;
      override readonly deadlineMs: number;
      published = false;
      constructor(deadlineMs: number) {
        super();
        this.deadlineMs = deadlineMs;
      }
      override async alreadyDone(): Promise<boolean> {
        return this.published;
      }
    }
    const editStep = (type: 'ConfigApplied' | 'ConfigRolledBack' | 'ConfigEditFailed', data: object) =>
      createEvent({ id: derivedId(type, derivedId('ActionStarted', decision.id)), type, source: 'config-editor', time: iso(600), subject: 'container:web', correlationId: INCIDENT, causationId: derivedId('ActionStarted', decision.id), data: { target, actionId: derivedId('ActionStarted', decision.id), path: '/etc/ddclient/ddclient.conf', ...data } } as never);
    const applied = editStep('ConfigApplied', { backupPath: '/var/backups/ddclient.conf.bak', health: 'ok' });
    const rolledBack = editStep('ConfigRolledBack', { backupPath: '/var/backups/ddclient.conf.bak', reason: 'health check failed' });
    const failedEdit = editStep('ConfigEditFailed', { stage: 'interrupted', reason: 'the editor stopped before replacing the file; it is unchanged' });

    async function resume(action: CountingEdit, facts: JarvisEvent[]) {
      const { processor, ctx, stored } = world(action);
      let state = ctx.state();
      for (const fact of [interrupted(500), ...facts]) state = processor.evolve(state, fact);
      await processor.handle(decision, { ...ctx, state: () => state, emit: async (event: JarvisEvent) => void stored.push(event) });
      return stored;
    }

    it('given no outcome of the edit in the log, then the run is repeated at once (the editor answers a repeat by action id), not after the deadline', { timeout: 10_000 }, async () => {
      const action = new CountingEdit(600_000);
      const stored = await resume(action, []);
      assert.deepEqual(stored.map((e) => e.type), ['ActionSucceeded']);
      assert.equal(action.runs, 1);
    });

    for (const [name, step, reason] of [
      ['rolled back', rolledBack, /did not apply the edit \(rolled back: health check failed\)/],
      ['failed', failedEdit, /did not apply the edit \(interrupted: the editor stopped before replacing/],
    ] as const) {
      it(`given the edit ${name} in the log, then the run fails at once with the editor's reason and nothing runs`, { timeout: 10_000 }, async () => {
        const action = new CountingEdit(600_000);
        const stored = await resume(action, [step]);
        assert.deepEqual(stored.map((e) => e.type), ['ActionFailed']);
        assert.match((stored[0] as JarvisEventOf<'ActionFailed'>).data.error, reason);
        assert.equal(action.runs, 0);
      });
    }

    it('given the edit applied and its later step\'s effect seen, then the run succeeds without acting again', { timeout: 10_000 }, async () => {
      const action = new CountingEdit(600_000);
      action.published = true;
      const stored = await resume(action, [applied]);
      assert.deepEqual(stored.map((e) => e.type), ['ActionSucceeded']);
      assert.match((stored[0] as JarvisEventOf<'ActionSucceeded'>).data.result, /edit applied and completed before/);
      assert.equal(action.runs, 0);
    });

    it('given the edit applied and no effect by the deadline, then the run is repeated once (its edit answered from the record)', { timeout: 10_000 }, async () => {
      const action = new CountingEdit(0);
      const stored = await resume(action, [applied]);
      assert.deepEqual(stored.map((e) => e.type), ['ActionSucceeded']);
      assert.equal(action.runs, 1);
    });
  });
});

/** A restart that remembers the fault each re-observation was asked about. */
class AskedAbout extends CountingRestart {
  readonly faults: Array<FaultInQuestion | undefined> = [];
  override async reobserve(_target: unknown, _now: Date, fault?: FaultInQuestion): Promise<Reobservation> {
    this.faults.push(fault);
    return { kind: 'fault_holds' };
  }
}

describe('ExecutorProcessor: the fault a re-observation is asked about', () => {
  it('given a decision on the incident\'s own target, then the action is told the incident\'s check and fault time', async () => {
    const action = new AskedAbout();
    const { processor, ctx } = world(action);
    await processor.handle(decision, ctx);
    assert.deepEqual(action.faults, [{ check: 'container_state', faultAt: new Date(iso(0)) }]);
  });

  it('given a decision about a consequence, then no fault is named: the action looks for itself', async () => {
    const action = new AskedAbout();
    const { processor, ctx } = world(action);
    const api = containerTarget('api');
    const linked = createEvent({ id: derivedId('linked'), type: 'ConsequenceLinked', source: 'monitor', time: iso(1), subject: 'container:api', correlationId: INCIDENT, causationId: null, data: { target: api, check: 'container_state', reason: 'down', faultAt: iso(1), chain: ['container:api', 'container:web'] } });
    const consequence = createEvent({ ...decision, id: derivedId('consequence decision'), subject: 'container:api', data: { ...decision.data, target: api, consequenceCheck: 'container_state' } });
    let state = processor.evolve(ctx.state(), linked);
    state = processor.evolve(state, consequence);
    await processor.handle(consequence, { ...ctx, state: () => state, emit: async () => undefined });
    assert.deepEqual(action.faults, [undefined]);
  });
});
