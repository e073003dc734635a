import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { containerTarget, createEvent, derivedId, type JarvisEvent } from '@jarvis/contracts';
import { caseStepLine, caseStepOf } from '@jarvis/incidents';
import { incidentOpened, restartDecision } from './event-fixtures.js';
import { exactlyOnceProblems, loggedStepsNotStored } from './store-invariants.js';

const TARGET = containerTarget('web');

/** A crash healed by a restart, as the services store it. */
function healedCase(): JarvisEvent[] {
  const opened = incidentOpened('web');
  const decision = restartDecision('web', opened.correlationId);
  const envelope = (type: string, source: 'executor' | 'monitor') => ({
    id: derivedId(type, decision.id),
    source,
    time: new Date().toISOString(),
    subject: 'container:web',
    correlationId: opened.correlationId,
    causationId: decision.id,
  });
  const action = { target: TARGET, decisionId: decision.id, action: 'restart_container' };
  return [
    opened,
    decision,
    createEvent({ ...envelope('ActionStarted', 'executor'), type: 'ActionStarted', data: { ...action, attempt: 1, params: {} } }),
    createEvent({ ...envelope('ActionSucceeded', 'executor'), type: 'ActionSucceeded', data: { ...action, result: 'restarted', details: {}, durationMs: 5 } }),
    createEvent({ ...envelope('VerificationPassed', 'monitor'), type: 'VerificationPassed', data: { target: TARGET, decisionId: decision.id, evidence: 'running' } }),
    createEvent({ ...envelope('IncidentResolved', 'monitor'), type: 'IncidentResolved', data: { target: TARGET, resolution: 'remediated', reason: 'verified' } }),
  ];
}

const lines = (events: JarvisEvent[]) => events.map((e) => caseStepLine(e, caseStepOf(e)));

describe('the exactly-once checks of the reliability test', () => {
  it('find nothing wrong with a healed case', () => {
    const events = healedCase();
    assert.deepEqual(exactlyOnceProblems(events), []);
    assert.deepEqual(loggedStepsNotStored(lines(events), events), []);
  });

  it('name a stored duplicate, a decision answered twice, an action without result and an incident left open', () => {
    const [opened, decision, started, succeeded, verified, resolved] = healedCase() as [JarvisEvent, JarvisEvent, JarvisEvent, JarvisEvent, JarvisEvent, JarvisEvent];
    assert.deepEqual(exactlyOnceProblems([opened, decision, started, started, succeeded, verified, resolved]), [
      `event id ${started.id} stored 2 times`,
      `execute decision ${decision.id} has 2 executor answer(s)`,
    ]);
    assert.deepEqual(exactlyOnceProblems([opened, decision, started, verified, resolved]), [`started action of decision ${decision.id} has 0 result(s)`]);
    assert.deepEqual(exactlyOnceProblems([opened, decision, started, succeeded, verified]), [`incident ${opened.correlationId} (container:web) neither resolved nor escalated`]);
    assert.deepEqual(exactlyOnceProblems([opened, decision]), [`execute decision ${decision.id} has 0 executor answer(s)`, `incident ${opened.correlationId} (container:web) neither resolved nor escalated`]);
  });

  it('name a logged step that the store lost or holds fewer times than it was logged', () => {
    const events = healedCase();
    const logged = lines(events);
    assert.deepEqual(loggedStepsNotStored(logged, events.slice(0, 5)), [`logged 1 time(s), stored 0: ${logged[5]}`]);
    assert.deepEqual(loggedStepsNotStored([...logged, logged[2]!], events), [`logged 2 time(s), stored 1: ${logged[2]}`]);
  });
});
