import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CaseBook } from './case-book.js';
import { IncidentStory } from './incident-story.test-support.js';
import { METRIC } from './names.js';
import { observationsOf } from './observations.js';

const WEB = new IncidentStory('web', '3b7f3c1e-9d2a-4f7e-8a47-0b2f2a3c4d5e');

describe('observationsOf', () => {
  it('counts an opening by check and kind and measures its MTTD from the fault', () => {
    assert.deepEqual(observationsOf(WEB.opened(2_000), new CaseBook()), [
      { kind: 'count', metric: METRIC.incidentsOpened, labels: { check: 'container_state', kind: 'container' } },
      { kind: 'seconds', metric: METRIC.mttd, labels: { check: 'container_state', kind: 'container' }, value: 2 },
    ]);
  });

  it('measures MTTR from the fault to the resolution, labelled with the last action', () => {
    const book = new CaseBook();
    book.apply(WEB.opened());
    book.apply(WEB.succeeded());
    const [counted, mttr] = observationsOf(WEB.resolved(10_000), book);
    assert.deepEqual(counted, { kind: 'count', metric: METRIC.incidentsResolved, labels: { resolution: 'remediated', kind: 'container' } });
    assert.deepEqual(mttr, { kind: 'seconds', metric: METRIC.mttr, labels: { check: 'container_state', action: 'restart_container', resolution: 'remediated' }, value: 10 });
  });

  it('counts a resolution of an incident it never saw open, without an MTTR it cannot know', () => {
    assert.deepEqual(observationsOf(WEB.resolved(), new CaseBook()).map((o) => o.metric), [METRIC.incidentsResolved]);
  });

  it('counts an action by type and result and records its duration in seconds', () => {
    assert.deepEqual(observationsOf(WEB.succeeded(), new CaseBook()), [
      { kind: 'count', metric: METRIC.actions, labels: { action: 'restart_container', result: 'succeeded' } },
      { kind: 'seconds', metric: METRIC.actionDuration, labels: { action: 'restart_container', result: 'succeeded' }, value: 1.5 },
    ]);
  });

  it('counts a decision by outcome, rule and action, with no id among the labels', () => {
    const [decision] = observationsOf(WEB.decided('denied', 'circuit_breaker'), new CaseBook());
    assert.deepEqual(decision, { kind: 'count', metric: METRIC.decisions, labels: { outcome: 'denied', rule: 'circuit_breaker', action: 'restart_container' } });
  });
});
