import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ProbesConfig } from '@jarvis/config';
import { assertNever, targetOf, type TargetKind, type TargetRef } from '@jarvis/contracts';
import type { ProbeFinding, ScheduledProbe } from '@jarvis/registry';
import type { ProbeObservation, ProbeResultRecorder } from './probe-result-recorder.js';
import { ScheduledChecks } from './scheduled-checks.js';
import { TargetLocks } from './target-locks.js';

/**
 * The checks run on real timers, but their clock is this one, and only probes move it: each run advances it by its
 * interval, so every next slot is already due, runs follow one another at once, and every time seen is exact.
 */
const T0 = Date.parse('2025-03-01T12:00:00.000Z');
const INTERVAL_MS = 1000;
const iso = (offsetMs: number) => new Date(T0 + offsetMs).toISOString();

/** What one scripted run does: report a finding, throw, or hang until the scheduler's timeout aborts it. */
type Step = 'pass' | 'fail' | 'throw' | 'hang';

class FakeTime {
  ms = T0;
  readonly clock = () => new Date(this.ms);
}

/** Runs its steps in order; when they are used up it tells the script and hangs until it is stopped. */
class ScriptedProbe implements ScheduledProbe {
  readonly target: TargetRef;
  readonly intervalMs = INTERVAL_MS;
  runs = 0;

  constructor(
    kind: TargetKind,
    id: string,
    readonly check: string,
    private readonly steps: readonly Step[],
    private readonly time: FakeTime,
    private readonly usedUp: () => void,
    readonly timeoutMs = 10_000,
    readonly confirmsPasses = false,
  ) {
    this.target = targetOf(kind, id);
  }

  run(signal: AbortSignal): Promise<ProbeFinding> {
    this.time.ms += this.intervalMs;
    if (this.runs >= this.steps.length) {
      this.usedUp();
      return untilAborted(signal);
    }
    const step = this.steps[this.runs++]!;
    switch (step) {
      case 'pass':
        return Promise.resolve({ status: 'ok', reason: `reading ${this.runs} ok` });
      case 'fail':
        return Promise.resolve({ status: 'failed', reason: `reading ${this.runs} failed` });
      case 'throw':
        return Promise.reject(new Error(`reading ${this.runs} could not be taken`));
      case 'hang':
        return untilAborted(signal);
      default:
        return assertNever(step);
    }
  }
}

function untilAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true }));
}

type ProbeScript = { kind: TargetKind; id: string; check: string; steps: Step[]; timeoutMs?: number; confirms?: boolean };

/** Builds the checks over scripted probes and a recorder that only remembers; runs until every script is used up. */
async function play(scripts: ProbeScript[], thresholds: { failures: number; passes: number }) {
  const time = new FakeTime();
  const observations: ProbeObservation[] = [];
  const confirmations: number[] = [];
  const recorder = { record: async (observation: ProbeObservation) => void observations.push(observation), confirm: async (_target: TargetRef, _result: unknown, now: Date) => void confirmations.push(now.getTime() - T0) };
  let remaining = scripts.length;
  let allUsedUp!: () => void;
  const finished = new Promise<void>((resolve) => (allUsedUp = resolve));
  const probes = scripts.map(
    (s) =>
      new ScriptedProbe(s.kind, s.id, s.check, s.steps, time, () => {
        remaining -= 1;
        if (remaining === 0) allUsedUp();
      }, s.timeoutMs, s.confirms),
  );
  const settings = Object.assign(new ProbesConfig(), {
    concurrency: 4,
    jitterFraction: 0,
    failuresBeforeDetection: thresholds.failures,
    passesBeforeRecovery: thresholds.passes,
  });
  // Only `record` and `confirm` are used; the real recorder needs a running processor host, which this test is not about.
  const checks = new ScheduledChecks(probes, recorder as unknown as ProbeResultRecorder, new TargetLocks(), settings, time.clock);
  const before = checks.targets();
  checks.start();
  await withTimeout(finished, 5000, 'the scripts were not used up');
  await checks.stop();
  return { observations, checks, probes, before, confirmations };
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The recorded results in a form a table can state: status, the fault time and the recording time as offsets. */
const summary = (observations: ProbeObservation[]) =>
  observations.map(({ result, now }) => `${result.status} fault@${Date.parse(result.faultAt) - T0} now@${now.getTime() - T0}`);

const disk = (steps: Step[], timeoutMs?: number): ProbeScript => ({ kind: 'disk', id: '/srv', check: 'disk_usage', steps, ...(timeoutMs ? { timeoutMs } : {}) });

describe('ScheduledChecks: N failures before a detection, M passes before a recovery', () => {
  it('given N=3, when the probe fails twice, then nothing is recorded; when it fails a third time, then the failure is recorded', async () => {
    const { observations } = await play([disk(['pass', 'fail', 'fail', 'fail'])], { failures: 3, passes: 2 });
    assert.deepEqual(summary(observations), ['ok fault@0 now@1000', 'failed fault@1000 now@4000']);
  });

  it('given a failing check, when readings keep failing, then each is recorded with the time its streak began', async () => {
    const { observations } = await play([disk(['fail', 'fail', 'fail', 'fail', 'fail'])], { failures: 2, passes: 2 });
    assert.deepEqual(summary(observations), ['failed fault@0 now@2000', 'failed fault@0 now@3000', 'failed fault@0 now@4000', 'failed fault@0 now@5000']);
  });

  it('given M=2, when a failing check passes once, then nothing is recorded; when it passes again, then the recovery is recorded', async () => {
    const { observations } = await play([disk(['fail', 'pass', 'pass', 'pass'])], { failures: 1, passes: 2 });
    assert.deepEqual(summary(observations), ['failed fault@0 now@1000', 'ok fault@2000 now@3000', 'ok fault@3000 now@4000']);
  });

  it('given a recovery under way, when a reading fails again, then the pass count starts over and the fault keeps its first time', async () => {
    const { observations } = await play([disk(['fail', 'pass', 'fail', 'pass', 'pass'])], { failures: 1, passes: 2 });
    assert.deepEqual(summary(observations), ['failed fault@0 now@1000', 'failed fault@0 now@3000', 'ok fault@4000 now@5000']);
  });

  it('given a failure streak broken by a pass before N, when a new streak reaches N, then the fault time is the new streak\'s', async () => {
    const { observations } = await play([disk(['fail', 'pass', 'fail', 'fail'])], { failures: 2, passes: 1 });
    assert.deepEqual(summary(observations), ['ok fault@1000 now@2000', 'failed fault@2000 now@4000']);
  });

  it('records what the probe found, for its target and check, as a scheduled (not event-driven) reading of an existing target', async () => {
    const { observations } = await play([disk(['fail'])], { failures: 1, passes: 1 });
    assert.equal(observations.length, 1);
    const [observation] = observations;
    assert.deepEqual({ ...observation!.target }, { kind: 'disk', id: '/srv' });
    assert.deepEqual(observation!.result, { check: 'disk_usage', status: 'failed', reason: 'reading 1 failed', faultAt: iso(0) });
    assert.equal(observation!.eventDriven, false);
    assert.equal(observation!.removed, false);
  });
});

describe('ScheduledChecks: a passing streak of a probe whose passes confirm its config', () => {
  const ddclient = (steps: Step[], confirms = true): ProbeScript => ({ kind: 'ddclient', id: 'lab', check: 'ddclient_update', steps, confirms });

  it('given passes, a failure past N and passes again, then one confirmation per passing streak, each at its first recorded pass', async () => {
    const { confirmations } = await play([ddclient(['pass', 'pass', 'fail', 'pass', 'pass'])], { failures: 1, passes: 1 });
    assert.deepEqual(confirmations, [1000, 4000]);
  });

  it('given a single failure below N between passes, then the streak goes on and nothing more is confirmed', async () => {
    const { confirmations } = await play([ddclient(['pass', 'fail', 'pass'])], { failures: 2, passes: 1 });
    assert.deepEqual(confirmations, [1000]);
  });

  it('given a probe whose passes confirm nothing (a disk), then nothing is confirmed', async () => {
    const { confirmations } = await play([ddclient(['pass', 'pass'], false)], { failures: 1, passes: 1 });
    assert.deepEqual(confirmations, []);
  });
});

describe('ScheduledChecks: a probe that throws or times out is a failed reading', () => {
  it('given N=3, when the probe throws, times out and throws, then one failure is recorded with the probe error as reason', async () => {
    const { observations } = await play([disk(['throw', 'hang', 'throw', 'throw'], 50)], { failures: 3, passes: 1 });
    assert.deepEqual(summary(observations), ['failed fault@0 now@3000', 'failed fault@0 now@4000']);
    assert.equal(observations[0]!.result.reason, 'probe error: reading 3 could not be taken');
  });

  it('given a timed-out reading completing the streak, then its reason says it timed out', async () => {
    const { observations } = await play([disk(['fail', 'hang'], 50)], { failures: 2, passes: 1 });
    assert.deepEqual(summary(observations), ['failed fault@0 now@2000']);
    assert.equal(observations[0]!.result.reason, 'probe error: timed out after 50 ms');
  });

  it('given failures of both sorts mixed, then they count in one streak', async () => {
    const { observations } = await play([disk(['fail', 'throw', 'fail'])], { failures: 3, passes: 1 });
    assert.deepEqual(summary(observations), ['failed fault@0 now@3000']);
  });
});

describe('ScheduledChecks: views and targets', () => {
  const endpoint = (steps: Step[]): ProbeScript => ({ kind: 'http_endpoint', id: 'api', check: 'http_status', steps });

  it('given probes not yet run, then each target is listed as not probed yet, with its check and interval', async () => {
    const { before } = await play([disk([]), endpoint([])], { failures: 1, passes: 1 });
    assert.deepEqual(before, [
      { target: 'disk:/srv', state: 'not probed yet', health: null, watchedBecause: 'disk_usage every 1 s (jarvis.yaml)' },
      { target: 'http_endpoint:api', state: 'not probed yet', health: null, watchedBecause: 'http_status every 1 s (jarvis.yaml)' },
    ]);
  });

  it('given one probe failing past N and one passing, then targets say which is failing and views show each last reading', async () => {
    const { checks } = await play([disk(['fail', 'fail']), endpoint(['pass'])], { failures: 2, passes: 1 });
    assert.deepEqual(
      checks.targets().map(({ target, state, health }) => ({ target, state, health })),
      [
        { target: 'disk:/srv', state: 'failed', health: 'failing' },
        { target: 'http_endpoint:api', state: 'ok', health: null },
      ],
    );
    const views = checks.views().sort((a, b) => a.target.localeCompare(b.target));
    assert.deepEqual(
      views.map(({ target, check, status, reason }) => ({ target, check, status, reason })),
      [
        { target: 'disk:/srv', check: 'disk_usage', status: 'failed', reason: 'reading 2 failed' },
        { target: 'http_endpoint:api', check: 'http_status', status: 'ok', reason: 'reading 1 ok' },
      ],
    );
    for (const view of views) assert.ok(Date.parse(view.observedAt) > T0, `${view.target} observed at the clock's time`);
  });

  it('given a failed reading below N, then the view already shows it while the target is not yet failing', async () => {
    const { checks } = await play([disk(['fail'])], { failures: 3, passes: 1 });
    assert.deepEqual(checks.views().map(({ status, reason, observedAt }) => ({ status, reason, observedAt })), [
      { status: 'failed', reason: 'reading 1 failed', observedAt: iso(1000) },
    ]);
    assert.equal(checks.targets()[0]!.health, null);
  });
});

describe('ScheduledChecks: a failing dependent reads its dependencies first', () => {
  const DDCLIENT = 'ddclient:lab';

  /** Reports what `failing` says when read, after `delayMs` (real time); counts its reads. */
  class SwitchProbe implements ScheduledProbe {
    readonly target: TargetRef;
    readonly timeoutMs = 2000;
    reads = 0;
    constructor(
      kind: TargetKind,
      id: string,
      readonly check: string,
      readonly intervalMs: number,
      public failing: boolean,
      private readonly delayMs = 0,
    ) {
      this.target = targetOf(kind, id);
    }

    async run(): Promise<ProbeFinding> {
      this.reads += 1;
      if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
      return this.failing ? { status: 'failed', reason: `${this.check} failed` } : { status: 'ok', reason: `${this.check} ok` };
    }
  }

  /** Records rely on ddclient. Real clock and timers: the dependents every 100 ms, ddclient's own slot an hour away. */
  async function playUpstream(dependents: SwitchProbe[], ddclient: SwitchProbe, failures: number, until: (recorded: string[]) => boolean) {
    const recorded: string[] = [];
    // Unexplained until its first failure is recorded, as a failure that opened an incident of its own.
    const recorder = {
      record: async ({ target, result }: ProbeObservation) => void recorded.push(`${target.kind}:${target.id} ${result.status}`),
      confirm: async () => undefined,
      isUnexplained: (key: string) => !recorded.includes(`${key} failed`),
    };
    const settings = Object.assign(new ProbesConfig(), { concurrency: 4, jitterFraction: 0, failuresBeforeDetection: failures, passesBeforeRecovery: 1 });
    const graph = { dependenciesOf: (target: string) => (target.startsWith('dns_record:') ? [DDCLIENT] : []) };
    const checks = new ScheduledChecks([...dependents, ddclient], recorder as unknown as ProbeResultRecorder, new TargetLocks(), settings, () => new Date(), graph);
    checks.start();
    try {
      for (let waited = 0; !until(recorded) && waited < 5000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
      return { recorded: [...new Set(recorded)], views: checks.views(), targets: checks.targets() };
    } finally {
      await checks.stop();
    }
  }

  const record = (id: string, delayMs = 0) => new SwitchProbe('dns_record', id, 'dns_record', 100, true, delayMs);
  const ddclientProbe = (failing: boolean, delayMs = 0) => new SwitchProbe('ddclient', 'lab', 'ddclient_update', 3_600_000, failing, delayMs);

  it('given N=1 and a failing ddclient not read yet, when the record fails, then ddclient is read now and its failure recorded first', async () => {
    const ddclient = ddclientProbe(true);
    const { recorded } = await playUpstream([record('www')], ddclient, 1, (r) => r.length >= 2);
    assert.deepEqual(recorded, [`${DDCLIENT} failed`, 'dns_record:www failed']);
    assert.equal(ddclient.reads, 1);
  });

  it('given N=1 and a passing ddclient, when the record fails, then ddclient is read, nothing is recorded for it, and the record\'s failure is', async () => {
    const ddclient = ddclientProbe(false);
    const { recorded, views, targets } = await playUpstream([record('www')], ddclient, 1, (r) => r.length >= 1);
    assert.deepEqual(recorded, ['dns_record:www failed']);
    assert.equal(ddclient.reads, 1);
    assert.equal(views.find((v) => v.target === DDCLIENT)?.status, 'ok', 'the reading shows on the status page');
    assert.equal(targets.find((t) => t.target === DDCLIENT)?.health, null);
  });

  it('given N=2 and a failing ddclient, when the record fails twice, then ddclient is read once but its single failure is not reported', async () => {
    const ddclient = ddclientProbe(true);
    const { recorded, views, targets } = await playUpstream([record('www')], ddclient, 2, (r) => r.length >= 1);
    assert.deepEqual(recorded, ['dns_record:www failed']);
    assert.equal(ddclient.reads, 1);
    assert.equal(views.find((v) => v.target === DDCLIENT)?.status, 'failed');
    assert.equal(targets.find((t) => t.target === DDCLIENT)?.health, null, 'not reported failing sooner than its schedule could');
  });

  it('given two records failing while ddclient is being read, then ddclient is read once and both failures wait for its result', async () => {
    const ddclient = ddclientProbe(true, 300);
    const { recorded } = await playUpstream([record('www'), record('api')], ddclient, 1, (r) => r.length >= 3);
    assert.equal(recorded[0], `${DDCLIENT} failed`);
    assert.deepEqual(recorded.slice(1).sort(), ['dns_record:api failed', 'dns_record:www failed']);
    assert.equal(ddclient.reads, 1);
  });

  it('given ddclient read before another record\'s failure was read, when that record fails, then ddclient is read again', async () => {
    const ddclient = ddclientProbe(false);
    const late = new SwitchProbe('dns_record', 'late', 'dns_record', 100, false);
    const { recorded } = await playUpstream([record('www'), late], ddclient, 1, (r) => {
      if (r.length >= 1) late.failing = true;
      return r.length >= 2;
    });
    assert.deepEqual(recorded, ['dns_record:www failed', 'dns_record:late failed']);
    assert.equal(ddclient.reads, 2);
  });
});
