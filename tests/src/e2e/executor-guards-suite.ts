import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { containerTarget, createEvent, newId, type JarvisEventOf } from '@jarvis/contracts';
import { crashMainProcess, runContainer, waitRunning } from '../support/docker-harness.js';
import { countEngineEvents, freshSecond } from '../support/engine-events.js';
import { EventReader, ofIncident, timeline } from '../support/event-reader.js';
import { onEventPublished } from '../support/event-trigger.js';
import { publishAsAnyClient } from '../support/forged-events.js';
import type { Shape } from '../support/jarvis-harness.js';
import { useLab } from '../support/lab.js';

/**
 * A restart takes the 2 s stop timeout (busybox `sleep` as PID 1 ignores SIGTERM); a second attempt waits 8 s, long
 * enough for an owner to step in; Docker calls may hang up to 120 s, so a stopped engine leaves a decision hanging.
 */
const GUARDS_CONFIG = `
watch:
  reconcileIntervalSeconds: 5
policy:
  backoff: { initialMs: 8000, maxMs: 8000 }
  decisionTimeoutSeconds: 20
executor:
  restartStopTimeoutSeconds: 2
docker:
  callTimeoutSeconds: 120
verification:
  stableForMs: 1500
  timeoutSeconds: 20
`;

/** Crash-loops twice (its first run and Jarvis's restart), then stays up from its third start on: the owner's. */
const FAILS_TWICE = 'n=$(cat /tmp/runs 2>/dev/null || echo 0); n=$((n+1)); echo $n > /tmp/runs; if [ $n -ge 3 ]; then exec sleep 100000; fi; sleep 0.4; exit 3';

type Decision = JarvisEventOf<'RemediationDecided'>;

/** The executor's trust and outcome rules against real nats-server and dockerd in one shape. */
export function executorGuardsSuite(shape: Shape): void {
  describe(`executor under faults and forgeries (${shape})`, { timeout: 600_000 }, () => {
    const lab = useLab(shape, GUARDS_CONFIG);

    it('records a restart that succeeded while NATS was down as succeeded, and restarts once', async () => {
      await runContainer(lab.docker.docker, { name: 'outage', cmd: ['sleep', '100000'], watched: true });
      await waitRunning(lab.docker.docker, 'outage');
      const since = await freshSecond();
      const natsKill = await onEventPublished(lab.nats.url, 'ActionStarted', (e) => e.subject === 'container:outage', () => lab.nats.process().kill9());
      await crashMainProcess(lab.docker.docker, 'outage');
      await natsKill.fired(30_000).finally(() => natsKill.close());
      await sleep(3000);
      await lab.nats.restart();

      const resolved = await lab.explained('container:outage', lab.reader.waitForEvent('IncidentResolved', (e) => e.subject === 'container:outage', 120_000));
      const incident = ofIncident(await lab.reader.events(), resolved.correlationId);
      const story = timeline(incident);
      assert.equal(incident.filter((e) => e.type === 'ActionFailed').length, 0, story);
      assert.equal(incident.filter((e) => e.type === 'ActionStarted').length, 1, story);
      assert.equal(incident.filter((e) => e.type === 'ActionSucceeded').length, 1, story);
      assert.equal(resolved.data.resolution, 'remediated', story);
      assert.equal(await countEngineEvents(lab.docker, 'outage', since, ['start']), 1, `one start since the crash\n${story}`);
    });

    it('acts on no forged, replayed or stale decision, and records why for each', async () => {
      await runContainer(lab.docker.docker, { name: 'stranger', cmd: ['sh', '-c', 'exit 1'] });
      await runContainer(lab.docker.docker, { name: 'calm', cmd: ['sleep', '100000'], watched: true });
      await runContainer(lab.docker.docker, { name: 'steady', cmd: ['sleep', '100000'], watched: true });
      await waitRunning(lab.docker.docker, 'steady');
      const since = await freshSecond();
      const forged = [
        { decision: forgedDecision('stranger'), refusal: 'no_open_case' },
        { decision: forgedDecision('calm'), refusal: 'no_open_case' },
        { decision: forgedDecision('steady', { agoMs: 10 * 60_000 }), refusal: 'decision_stale' },
        { decision: forgedDecision('calm', { action: 'format_disk' }), refusal: 'unknown_action' },
      ];
      await publishAsAnyClient(lab.nats.url, forged.map(({ decision }) => decision));
      for (const { decision, refusal } of forged) {
        const refused = await lab.reader.waitForEvent('ActionRefused', (e) => e.data.decisionId === decision.id);
        assert.equal(refused.data.refusal, refusal, `${decision.subject}: ${refused.data.reason}`);
        assert.equal(refused.correlationId, decision.correlationId);
      }
      for (const name of ['stranger', 'calm', 'steady']) {
        assert.equal(await countEngineEvents(lab.docker, name, since, ['start', 'restart']), 0, `${name} was not (re)started`);
      }
      const actions = await lab.reader.events((e) => e.type === 'ActionStarted' && forged.some((f) => f.decision.id === e.data.decisionId));
      assert.deepEqual(actions, []);
    });

    if (shape === 'split') {
      it('leaves alone a container its owner started while the executor was stopped, recording the decision as superseded', async () => {
        const executor = lab.jarvis.processOf('executor');
        await executor.proc.stop();
        await runContainer(lab.docker.docker, { name: 'owned', cmd: ['sleep', '100000'], watched: true });
        await waitRunning(lab.docker.docker, 'owned');
        const since = await freshSecond();
        await crashMainProcess(lab.docker.docker, 'owned');
        const decision = await lab.reader.waitForEvent('RemediationDecided', (e) => e.subject === 'container:owned' && e.data.outcome === 'execute');
        await lab.docker.docker.getContainer('owned').start();
        await waitRunning(lab.docker.docker, 'owned');
        await lab.jarvis.restart(executor);
        await expectSupersededThenRecovered(lab.reader, decision);
        assert.equal(await countEngineEvents(lab.docker, 'owned', since, ['start', 'restart']), 1, 'only the owner started it');
      });

      it('escalates a decision the stopped executor never answered, after policy.decisionTimeoutSeconds', async () => {
        const executor = lab.jarvis.processOf('executor');
        await executor.proc.stop();
        await runContainer(lab.docker.docker, { name: 'orphan', cmd: ['sleep', '100000'], watched: true });
        await waitRunning(lab.docker.docker, 'orphan');
        const since = await freshSecond();
        await crashMainProcess(lab.docker.docker, 'orphan');
        const decision = await lab.reader.waitForEvent('RemediationDecided', (e) => e.subject === 'container:orphan' && e.data.outcome === 'execute');
        await expectDecisionTimeout(lab.reader, decision);
        await lab.jarvis.restart(executor);
        const refused = await lab.reader.waitForEvent('ActionRefused', (e) => e.data.decisionId === decision.id);
        assert.equal(refused.data.refusal, 'no_open_case', refused.data.reason);
        assert.equal(await countEngineEvents(lab.docker, 'orphan', since, ['start', 'restart']), 0, 'nothing restarted after the escalation');
      });
    } else {
      // One process: the executor cannot be stopped alone. A second attempt's 8 s backoff is the window in which the
      // executor cannot act, and a stopped (SIGSTOP) engine is what keeps the executor from answering a decision.
      it('leaves alone a container its owner started during the backoff, recording the decision as superseded', async () => {
        await runContainer(lab.docker.docker, { name: 'owned', cmd: ['sh', '-c', FAILS_TWICE], watched: true });
        const second = await lab.reader.waitForEvent('RemediationDecided', (e) => e.subject === 'container:owned' && e.data.outcome === 'execute' && e.data.attempt === 2, 60_000);
        assert.ok(Date.parse(second.data.notBefore) - Date.now() > 2000, 'the owner acts before the backoff ends');
        await lab.docker.docker.getContainer('owned').start();
        await waitRunning(lab.docker.docker, 'owned');
        await expectSupersededThenRecovered(lab.reader, second);
        assert.equal(await countEngineEvents(lab.docker, 'owned', 0, ['start']), 3, 'its first run, one restart by Jarvis, the owner start');
      });

      // A health fault, not an exit: the executor's view of the engine's events cannot confirm it (the container runs),
      // so the executor must inspect, and a stopped engine leaves that inspect hanging.
      it('escalates a decision the executor could not answer (engine stopped), after policy.decisionTimeoutSeconds', async () => {
        await runContainer(lab.docker.docker, { name: 'stuck', cmd: ['sleep', '100000'], watched: true, healthcheck: { test: ['CMD', 'false'], intervalMs: 500, retries: 1 } });
        const second = await lab.reader.waitForEvent('RemediationDecided', (e) => e.subject === 'container:stuck' && e.data.outcome === 'execute' && e.data.attempt === 2, 60_000);
        const engine = lab.docker.process.pid;
        process.kill(engine, 'SIGSTOP');
        try {
          await expectDecisionTimeout(lab.reader, second);
        } finally {
          process.kill(engine, 'SIGCONT');
        }
        const refused = await lab.reader.waitForEvent('ActionRefused', (e) => e.data.decisionId === second.id, 180_000);
        assert.equal(refused.data.refusal, 'no_open_case', refused.data.reason);
        const starts = await lab.reader.events((e) => e.type === 'ActionStarted' && e.data.decisionId === second.id);
        assert.deepEqual(starts, [], 'the escalated decision was not carried out');
      });
    }
  });
}

async function expectSupersededThenRecovered(reader: EventReader, decision: Decision): Promise<void> {
  const superseded = await reader.waitForEvent('DecisionSuperseded', (e) => e.data.decisionId === decision.id, 60_000);
  assert.match(superseded.data.evidence, /container_state ok/);
  const resolved = await reader.waitForEvent('IncidentResolved', (e) => e.correlationId === decision.correlationId, 30_000);
  const story = timeline(ofIncident(await reader.events(), decision.correlationId));
  assert.equal(resolved.data.resolution, 'recovered', story);
  const acted = (await reader.events((e) => e.type === 'ActionStarted' && e.data.decisionId === decision.id)).length;
  assert.equal(acted, 0, story);
}

async function expectDecisionTimeout(reader: EventReader, decision: Decision): Promise<void> {
  const escalated = await reader.waitForEvent('IncidentEscalated', (e) => e.correlationId === decision.correlationId, 90_000);
  const story = timeline(ofIncident(await reader.events(), decision.correlationId));
  assert.equal(escalated.data.rule, 'decision_timeout', story);
  assert.equal(escalated.causationId, decision.id, story);
  assert.ok(Date.parse(escalated.time) - Date.parse(decision.data.notBefore) > 20_000, story);
}

function forgedDecision(name: string, options: { agoMs?: number; action?: string } = {}): Decision {
  const when = new Date(Date.now() - (options.agoMs ?? 0)).toISOString();
  return createEvent({
    id: newId(),
    type: 'RemediationDecided',
    source: 'policy',
    time: when,
    subject: `container:${name}`,
    correlationId: newId(),
    causationId: null,
    data: { target: containerTarget(name), outcome: 'execute', action: options.action ?? 'restart_container', params: {}, risk: 'low', rule: 'auto_remediation', reason: 'forged', attempt: 1, notBefore: when },
  });
}
