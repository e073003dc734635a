import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { containerTarget, createEvent, type JarvisEvent } from '@jarvis/contracts';
import { caseStepLine, caseStepOf } from './case-steps.js';

const CASE = '0b7f3c2a-1111-4222-8333-444455556666';
const target = containerTarget('web');
const envelope = { id: '9d1e2f3a-1111-4222-8333-444455556666', time: '2026-11-29T02:00:00.000Z', subject: 'container:web', correlationId: CASE, causationId: null };

const detection = (status: 'ok' | 'failed' | 'stopped'): JarvisEvent =>
  createEvent({ ...envelope, type: 'DetectionRecorded', source: 'monitor', data: { target, check: 'container_state', status, reason: 'exited with code 137', faultAt: envelope.time } });

describe('caseStepOf', () => {
  it('tells a failed detection as a warning, a stop as a plain line, and a passing reading quietly', () => {
    assert.deepEqual(caseStepOf(detection('failed')), { step: 'detected', warning: true, quiet: false, text: 'container_state failed: exited with code 137' });
    assert.equal(caseStepOf(detection('stopped')).warning, false);
    assert.deepEqual(caseStepOf(detection('ok')), { step: 'reading', warning: false, quiet: true, text: 'container_state ok: exited with code 137' });
  });

  it('tells a decision with its outcome, action, rule, attempt and risk', () => {
    const decision = createEvent({
      ...envelope, type: 'RemediationDecided', source: 'policy',
      data: { target, outcome: 'execute', action: 'restart_container', params: {}, risk: 'low', rule: 'auto_remediation', reason: 'container_state failed', attempt: 2, notBefore: envelope.time },
    });
    assert.deepEqual(caseStepOf(decision), { step: 'decided', warning: false, quiet: false, text: 'execute restart_container (auto_remediation, attempt 2, risk low): container_state failed' });
  });

  it('warns of an escalation and names its rule and attempts', () => {
    const escalation = createEvent({ ...envelope, type: 'IncidentEscalated', source: 'policy', data: { target, rule: 'breaker_open', reason: '5 restarts in 10 min', attempts: 5 } });
    assert.deepEqual(caseStepOf(escalation), { step: 'escalated', warning: true, quiet: false, text: 'breaker_open after 5 attempt(s): 5 restarts in 10 min' });
  });

  it('puts target, whole case id and step first in the line, so one grep finds a case', () => {
    const event = detection('failed');
    assert.equal(caseStepLine(event, caseStepOf(event)), `container:web [case ${CASE}] detected: container_state failed: exited with code 137`);
  });
});
