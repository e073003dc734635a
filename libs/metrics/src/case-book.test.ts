import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CaseBook } from './case-book.js';
import { IncidentStory } from './incident-story.test-support.js';

const WEB = new IncidentStory('web', '3b7f3c1e-9d2a-4f7e-8a47-0b2f2a3c4d5e');

describe('CaseBook', () => {
  it('counts an incident open until it resolves, then shows zero for its target and check', () => {
    const book = new CaseBook();
    book.apply(WEB.opened());
    assert.deepEqual(book.openCounts(), [{ target: 'container:web', check: 'container_state', open: 1 }]);
    book.apply(WEB.resolved());
    assert.deepEqual(book.openCounts(), [{ target: 'container:web', check: 'container_state', open: 0 }]);
  });

  it('does not reopen an incident when its opening is delivered again after its resolution', () => {
    const book = new CaseBook();
    const opened = WEB.opened();
    book.apply(opened);
    book.apply(WEB.resolved());
    book.apply(opened);
    assert.equal(book.openCounts()[0]!.open, 0);
    assert.equal(book.caseOf(WEB.incidentId), undefined);
  });

  it('remembers the fault time and the last action of an open incident', () => {
    const book = new CaseBook();
    book.apply(WEB.opened());
    book.apply(WEB.succeeded());
    assert.deepEqual(book.caseOf(WEB.incidentId), { target: 'container:web', check: 'container_state', faultAtMs: Date.parse('2026-01-01T00:00:00.000Z'), lastAction: 'restart_container' });
  });

  it('keeps the newest decision per target for its breaker, whatever order decisions arrive in', () => {
    const book = new CaseBook();
    const tripped = WEB.decided('denied', 'circuit_breaker', 5_000);
    const earlier = WEB.decided('execute', 'auto_remediation', 1_000);
    book.apply(tripped);
    book.apply(earlier);
    assert.deepEqual([...book.breakerStates()], [['container:web', true]]);
    book.apply(WEB.decided('execute', 'auto_remediation', 9_000));
    assert.deepEqual([...book.breakerStates()], [['container:web', false]]);
  });
});
