import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { approvalDigest, containerTarget, createEvent, targetOf, derivedId, validateEvent, type JarvisEvent, type JarvisEventOf } from '@jarvis/contracts';
import { decideOnGrant, expiredApprovals, pendingApprovals } from './decide-approval.js';
import { decideRemediation } from './decide-remediation.js';
import type { ChooseRemediation, RemediationChoice } from './remediation-choice.js';
import { dueRateLimitRetries, overdueDecisions } from './policy-sweep.js';
import { RULE, type PolicyRules } from './policy-rules.js';
import { evolvePolicy, initialPolicyState } from './policy-state.js';
import { isTrigger } from './trigger.js';

const T0 = Date.parse('2025-03-01T12:00:00.000Z');
const RETENTION_MS = 168 * 3_600_000;
const at = (offsetMs: number) => new Date(T0 + offsetMs);
const iso = (offsetMs: number) => at(offsetMs).toISOString();
const SEC = 1000;
const RESTART_CONTAINER = 'restart_container';
const RESTART: RemediationChoice = { action: RESTART_CONTAINER, params: {}, risk: 'low' };
/** The container kind's default: a restart answers the container state check. */
const restartOnly: ChooseRemediation = (_target, check) => (check === 'container_state' ? RESTART : null);

function rules(overrides: Partial<PolicyRules> = {}): PolicyRules {
  return {
    autoRestart: true,
    maxAutonomousRisk: 'medium',
    staleDetectionSeconds: 300,
    approvalExpirySeconds: 3600,
    rateLimit: { maxActions: 60, windowSeconds: 60 },
    breaker: { maxAttempts: 3, windowSeconds: 600 },
    backoff: { initialMs: 1000, maxMs: 4000 },
    ...overrides,
  };
}

type Decision = JarvisEventOf<'RemediationDecided'>;

/**
 * The policy as the runtime runs it: each delivered event is evolved once (by id), then, if it is a trigger,
 * decided on; whatever the decision emits is evolved too.
 */
class PolicyWorld {
  readonly state = initialPolicyState();
  private readonly applied = new Set<string>();
  private seq = 0;

  constructor(
    readonly rules: PolicyRules,
    readonly choose: ChooseRemediation = restartOnly,
  ) {}

  apply(event: JarvisEvent): void {
    if (this.applied.has(event.id)) return;
    this.applied.add(event.id);
    evolvePolicy(this.state, event, RETENTION_MS);
  }

  deliver(event: JarvisEvent, now: Date): JarvisEvent[] {
    this.apply(event);
    if (!isTrigger(event)) return [];
    const facts = decideRemediation(this.state, event, this.rules, now, this.chooser());
    for (const fact of facts) this.apply(fact);
    return facts;
  }

  /** Deliver and expect exactly one decision (with its approval request when it asks a person). */
  decide(event: JarvisEvent, now: Date): Decision {
    const facts = this.deliver(event, now);
    const types = facts.map((f) => f.type).join(', ') || 'nothing';
    const decision = facts[0] as Decision | undefined;
    assert.equal(decision?.type, 'RemediationDecided', `expected one decision, got ${types}`);
    assert.equal(facts.length, decision!.data.outcome === 'needs_approval' ? 2 : 1, `expected one decision, got ${types}`);
    return decision!;
  }

  /** The risk the registry gives a scheduled run's action. */
  chooseScheduledRisk: 'low' | 'medium' | 'high' = 'low';

  chooser() {
    return { choose: this.choose, chooseScheduled: ({ action, params }: { action: string; params: Record<string, unknown> }) => ({ action, params, risk: this.chooseScheduledRisk }) };
  }

  id(label: string): string {
    return derivedId('test-event', label, String(this.seq++));
  }
}

/** What the monitor records when a watched container dies: the detection, then the incident it opens. */
function failure(world: PolicyWorld, name: string, offsetMs: number) {
  const incidentId = world.id(`incident-${name}`);
  const target = containerTarget(name);
  const detection = createEvent({
    id: world.id('detection'),
    type: 'DetectionRecorded',
    source: 'monitor',
    time: iso(offsetMs),
    subject: `container:${name}`,
    correlationId: incidentId,
    causationId: null,
    data: { target, check: 'container_state', status: 'failed', reason: 'exited: exited with code 137', faultAt: iso(offsetMs - 100) },
  });
  const opened = createEvent({
    id: derivedId('IncidentOpened', detection.id),
    type: 'IncidentOpened',
    source: 'monitor',
    time: iso(offsetMs),
    subject: `container:${name}`,
    correlationId: incidentId,
    causationId: detection.id,
    data: { target, check: 'container_state', detectionId: detection.id, faultAt: iso(offsetMs - 100), summary: `container:${name}: exited with code 137` },
  });
  return { incidentId, target, detection, opened };
}

function redetection(world: PolicyWorld, incidentId: string, name: string, offsetMs: number, status: 'failed' | 'stopped' | 'ok' = 'failed') {
  return createEvent({
    id: world.id('redetection'),
    type: 'DetectionRecorded',
    source: 'monitor',
    time: iso(offsetMs),
    subject: `container:${name}`,
    correlationId: incidentId,
    causationId: null,
    data: { target: containerTarget(name), check: 'container_state', status, reason: 'still exited', faultAt: iso(offsetMs) },
  });
}

function verificationFailed(decision: Decision, offsetMs: number) {
  return createEvent({
    id: derivedId('VerificationFailed', decision.id),
    type: 'VerificationFailed',
    source: 'monitor',
    time: iso(offsetMs),
    subject: decision.subject,
    correlationId: decision.correlationId,
    causationId: decision.id,
    data: { target: decision.data.target, decisionId: decision.id, reason: 'container is exited (exit code 1)' },
  });
}

function verificationPassed(decision: Decision, offsetMs: number) {
  return createEvent({
    id: derivedId('VerificationPassed', decision.id),
    type: 'VerificationPassed',
    source: 'monitor',
    time: iso(offsetMs),
    subject: decision.subject,
    correlationId: decision.correlationId,
    causationId: decision.id,
    data: { target: decision.data.target, decisionId: decision.id, evidence: 'running for 2000 ms' },
  });
}

function actionFailed(decision: Decision, offsetMs: number) {
  return createEvent({
    id: derivedId('ActionFailed', decision.id),
    type: 'ActionFailed',
    source: 'executor',
    time: iso(offsetMs),
    subject: decision.subject,
    correlationId: decision.correlationId,
    causationId: decision.id,
    data: { target: decision.data.target, decisionId: decision.id, action: RESTART_CONTAINER, error: 'no such container', durationMs: 12 },
  });
}

function resolved(incidentId: string, name: string, offsetMs: number) {
  return createEvent({
    id: derivedId('IncidentResolved', incidentId),
    type: 'IncidentResolved',
    source: 'monitor',
    time: iso(offsetMs),
    subject: `container:${name}`,
    correlationId: incidentId,
    causationId: null,
    data: { target: containerTarget(name), resolution: 'remediated', reason: 'restarted and verified' },
  });
}

/** Opens an incident on `name` and fails `count` execute decisions in a row, one every `stepMs`. */
function failRepeatedly(world: PolicyWorld, name: string, count: number, startMs: number, stepMs: number) {
  const incident = failure(world, name, startMs);
  assert.deepEqual(world.deliver(incident.detection, at(startMs)), []);
  const decisions = [world.decide(incident.opened, at(startMs))];
  for (let i = 1; i < count; i++) decisions.push(world.decide(verificationFailed(decisions[i - 1]!, startMs + i * stepMs), at(startMs + i * stepMs)));
  return { ...incident, decisions };
}

describe('decideRemediation: the first failure', () => {
  it('waits for IncidentOpened: the detection recorded before it decides nothing', () => {
    const world = new PolicyWorld(rules());
    const { detection } = failure(world, 'web', 0);
    assert.deepEqual(world.deliver(detection, at(10)), []);
  });

  it('executes a restart at once, attempt 1, with notBefore = now', () => {
    const world = new PolicyWorld(rules());
    const { detection, opened, incidentId } = failure(world, 'web', 0);
    world.deliver(detection, at(10));
    const decision = world.decide(opened, at(50));
    assert.equal(decision.data.outcome, 'execute');
    assert.equal(decision.data.attempt, 1);
    assert.equal(decision.data.notBefore, iso(50));
    assert.equal(decision.time, iso(50));
    assert.equal(decision.data.rule, RULE.autoRemediation);
    assert.equal(decision.data.action, RESTART_CONTAINER);
    assert.equal(decision.data.target.id, 'web');
    assert.equal(decision.subject, 'container:web');
    assert.equal(decision.source, 'policy');
    assert.equal(decision.correlationId, incidentId);
    assert.equal(decision.causationId, opened.id);
    assert.match(decision.data.reason, /exited with code 137; attempt 1$/);
  });

  it('produces events the contracts accept', () => {
    const world = new PolicyWorld(rules());
    const { opened } = failure(world, 'web', 0);
    const decision = world.decide(opened, at(0));
    const checked = validateEvent(JSON.parse(JSON.stringify(decision)));
    assert.ok(checked.ok, checked.ok ? '' : checked.errors.join('; '));
  });
});

describe('decideRemediation: idempotency', () => {
  it('answers a redelivered trigger with nothing', () => {
    const world = new PolicyWorld(rules({ autoRestart: false }));
    const { opened } = failure(world, 'web', 0);
    world.decide(opened, at(0));
    // needs_approval leaves nothing pending, so only the decided-trigger memory can stop a second decision.
    assert.deepEqual(world.deliver(opened, at(100)), []);
  });

  it('answers a trigger decided before a restart of the policy (state rebuilt from the log) with nothing', () => {
    const first = new PolicyWorld(rules());
    const { detection, opened, incidentId, target } = failure(first, 'web', 0);
    const decision = first.decide(opened, at(0));
    const failed = actionFailed(decision, 1000);
    const rebuilt = new PolicyWorld(rules());
    for (const event of [detection, opened, decision, failed]) rebuilt.apply(event);
    assert.deepEqual(rebuilt.deliver(opened, at(2000)), [], 'the opening was answered already');
    const next = rebuilt.decide(failed, at(2000));
    assert.equal(next.data.attempt, 2);
    assert.equal(next.correlationId, incidentId);
    assert.deepEqual({ ...next.data.target }, { ...target });
  });

  it('derives decision ids from the trigger: the same trigger gives the same id, another trigger another id', () => {
    const a = new PolicyWorld(rules());
    const b = new PolicyWorld(rules());
    const incident = failure(a, 'web', 0);
    const first = a.decide(incident.opened, at(0));
    const again = b.decide(incident.opened, at(5000));
    assert.equal(first.id, again.id);
    assert.equal(first.id, derivedId('RemediationDecided', incident.opened.id));
    const second = a.decide(verificationFailed(first, 1000), at(1000));
    assert.notEqual(second.id, first.id);
  });
});

describe('decideRemediation: a trigger handled late', () => {
  // The runtime folds every delivered event at once and handles triggers one at a time: a trigger queued behind
  // others, or redelivered, is handled against a state that already moved past it.
  it('given the opening is folded when its detection is handled, then only the opening decides, once, even handled again after the fix was verified', () => {
    const world = new PolicyWorld(rules());
    const { detection, opened, incidentId } = failure(world, 'web', 0);
    world.apply(detection);
    world.apply(opened);
    assert.deepEqual(world.deliver(detection, at(10)), [], 'the opening is the trigger of a new incident');
    const decision = world.decide(opened, at(20));
    world.apply(verificationPassed(decision, 1000));
    assert.deepEqual(world.deliver(detection, at(1010)), [], 'not while the resolution is on its way either');
    assert.deepEqual(world.deliver(opened, at(1010)), []);
    assert.equal(world.state.incidents.get(incidentId)!.attempts, 1);
  });

  it('given a later failure is already folded, then an older re-detection decides nothing and the later one decides once', () => {
    const world = new PolicyWorld(rules());
    const { opened, incidentId } = failure(world, 'web', 0);
    const first = world.decide(opened, at(0));
    const older = redetection(world, incidentId, 'web', 500);
    const failed = verificationFailed(first, 1000);
    world.apply(older);
    world.apply(failed);
    assert.deepEqual(world.deliver(older, at(1010)), []);
    assert.equal(world.decide(failed, at(1020)).data.attempt, 2);
  });
});

describe('decideRemediation: one action at a time', () => {
  it('decides nothing while an execute decision is pending', () => {
    const world = new PolicyWorld(rules());
    const { opened, incidentId } = failure(world, 'web', 0);
    const decision = world.decide(opened, at(0));
    assert.deepEqual(world.deliver(redetection(world, incidentId, 'web', 1000), at(1000)), []);
    // An outcome of some other decision does not release it.
    const stranger = { ...decision, id: derivedId('another decision') } as Decision;
    assert.deepEqual(world.deliver(verificationFailed(stranger, 2000), at(2000)), []);
    assert.equal(world.state.incidents.get(incidentId)!.pendingDecisionId, decision.id);
  });

  it('decides again once the pending action failed', () => {
    const world = new PolicyWorld(rules());
    const { opened } = failure(world, 'web', 0);
    const first = world.decide(opened, at(0));
    const next = world.decide(actionFailed(first, 500), at(600));
    assert.equal(next.data.outcome, 'execute');
    assert.equal(next.data.attempt, 2);
    assert.match(next.data.reason, /previous attempt failed: no such container/);
  });

  it('only decides on failed detections', () => {
    const world = new PolicyWorld(rules());
    const { opened, incidentId } = failure(world, 'web', 0);
    const first = world.decide(opened, at(0));
    world.apply(verificationPassed(first, 1000));
    assert.deepEqual(world.deliver(redetection(world, incidentId, 'web', 1500, 'stopped'), at(1500)), []);
    assert.deepEqual(world.deliver(redetection(world, incidentId, 'web', 1500, 'ok'), at(1500)), []);
    assert.equal(world.decide(redetection(world, incidentId, 'web', 1600), at(1600)).data.attempt, 2);
  });
});

describe('decideRemediation: backoff', () => {
  it('waits initialMs before the second attempt, doubles, and is capped at maxMs', () => {
    const world = new PolicyWorld(rules({ breaker: { maxAttempts: 100, windowSeconds: 600 } }));
    const { decisions } = failRepeatedly(world, 'web', 6, 0, 10 * SEC);
    assert.deepEqual(decisions.map((d) => d.data.attempt), [1, 2, 3, 4, 5, 6]);
    const delays = decisions.map((d) => Date.parse(d.data.notBefore) - Date.parse(d.time));
    assert.deepEqual(delays, [0, 1000, 2000, 4000, 4000, 4000]);
    assert.equal(decisions[1]!.time, iso(10 * SEC));
    assert.match(decisions[1]!.data.reason, /attempt 2 after 1000 ms backoff$/);
  });

  it('starts afresh with a new incident on the same target', () => {
    const world = new PolicyWorld(rules({ breaker: { maxAttempts: 100, windowSeconds: 600 } }));
    const first = failRepeatedly(world, 'web', 3, 0, SEC);
    world.apply(verificationPassed(first.decisions[2]!, 3 * SEC));
    world.apply(resolved(first.incidentId, 'web', 3 * SEC));
    const second = failure(world, 'web', 10 * SEC);
    const decision = world.decide(second.opened, at(10 * SEC));
    assert.equal(decision.data.attempt, 1);
    assert.equal(decision.data.notBefore, iso(10 * SEC));
  });
});

describe('decideRemediation: circuit breaker', () => {
  it('after maxAttempts restarts within the window, denies the next one and escalates', () => {
    const world = new PolicyWorld(rules());
    const { decisions, incidentId } = failRepeatedly(world, 'web', 3, 0, 60 * SEC);
    assert.ok(decisions.every((d) => d.data.outcome === 'execute'));
    const trigger = verificationFailed(decisions[2]!, 180 * SEC);
    const facts = world.deliver(trigger, at(180 * SEC));
    assert.deepEqual(facts.map((f) => f.type), ['RemediationDecided', 'IncidentEscalated']);
    const [denied, escalated] = facts as [Decision, JarvisEventOf<'IncidentEscalated'>];
    assert.equal(denied.data.outcome, 'denied');
    assert.equal(denied.data.rule, RULE.circuitBreaker);
    assert.equal(denied.data.attempt, 4);
    assert.equal(denied.data.reason, '3 actions on container:web within 600s (limit 3): stopped acting');
    assert.equal(escalated.data.rule, RULE.circuitBreaker);
    assert.equal(escalated.data.attempts, 3);
    assert.equal(escalated.correlationId, incidentId);
    assert.equal(escalated.causationId, denied.id);
    assert.equal(escalated.id, derivedId('IncidentEscalated', trigger.id));
    assert.equal(escalated.time, iso(180 * SEC));
    for (const fact of facts) assert.ok(validateEvent(JSON.parse(JSON.stringify(fact))).ok, fact.type);
    assert.equal(world.state.incidents.get(incidentId)!.escalated, true);
  });

  it('decides nothing more for the escalated incident', () => {
    const world = new PolicyWorld(rules());
    const { decisions, incidentId } = failRepeatedly(world, 'web', 3, 0, 60 * SEC);
    assert.equal(world.deliver(verificationFailed(decisions[2]!, 180 * SEC), at(180 * SEC)).length, 2);
    assert.deepEqual(world.deliver(redetection(world, incidentId, 'web', 200 * SEC), at(200 * SEC)), []);
    // Even once the window has passed.
    assert.deepEqual(world.deliver(redetection(world, incidentId, 'web', 2000 * SEC), at(2000 * SEC)), []);
  });

  it('counts restarts per target across incidents', () => {
    const world = new PolicyWorld(rules());
    const first = failRepeatedly(world, 'web', 3, 0, 10 * SEC);
    world.apply(verificationPassed(first.decisions[2]!, 30 * SEC));
    world.apply(resolved(first.incidentId, 'web', 30 * SEC));
    const second = failure(world, 'web', 60 * SEC);
    const facts = world.deliver(second.opened, at(60 * SEC));
    assert.deepEqual(facts.map((f) => f.type), ['RemediationDecided', 'IncidentEscalated']);
    assert.equal((facts[0] as Decision).data.outcome, 'denied');
    assert.equal((facts[0] as Decision).data.attempt, 1);
    assert.equal(facts[1]!.correlationId, second.incidentId);
  });

  it('does not count restarts of other targets', () => {
    const world = new PolicyWorld(rules());
    failRepeatedly(world, 'web', 3, 0, 10 * SEC);
    const other = failure(world, 'db', 40 * SEC);
    assert.equal(world.decide(other.opened, at(40 * SEC)).data.outcome, 'execute');
  });

  it('does not count restarts older than the window', () => {
    // Attempts at 0 s, 100 s and 200 s; the window is 600 s.
    const inside = new PolicyWorld(rules());
    const a = failRepeatedly(inside, 'web', 3, 0, 100 * SEC);
    const stillCounted = inside.deliver(verificationFailed(a.decisions[2]!, 599 * SEC), at(599 * SEC));
    assert.deepEqual(stillCounted.map((f) => f.type), ['RemediationDecided', 'IncidentEscalated']);

    const outside = new PolicyWorld(rules());
    const b = failRepeatedly(outside, 'web', 3, 0, 100 * SEC);
    const decision = outside.decide(verificationFailed(b.decisions[2]!, 600 * SEC), at(600 * SEC));
    assert.equal(decision.data.outcome, 'execute', 'the attempt at 0 s is exactly one window old and no longer counts');
    assert.equal(decision.data.attempt, 4);
    assert.equal(Date.parse(decision.data.notBefore) - Date.parse(decision.time), 4000);
    // The new attempt counts again: at 650 s the attempts at 100 s, 200 s and 600 s are inside the window.
    const tripped = outside.deliver(verificationFailed(decision, 650 * SEC), at(650 * SEC));
    assert.deepEqual(tripped.map((f) => f.type), ['RemediationDecided', 'IncidentEscalated']);
  });

  it('wins over the rate limit when both are exceeded', () => {
    const world = new PolicyWorld(rules({ rateLimit: { maxActions: 3, windowSeconds: 60 } }));
    const { decisions } = failRepeatedly(world, 'web', 3, 0, SEC);
    const facts = world.deliver(verificationFailed(decisions[2]!, 3 * SEC), at(3 * SEC));
    assert.equal((facts[0] as Decision).data.rule, RULE.circuitBreaker);
    assert.equal(facts.length, 2);
  });
});

describe('decideRemediation: rate limit', () => {
  it('denies restarts beyond maxActions within the window, across targets, without escalating', () => {
    const world = new PolicyWorld(rules({ rateLimit: { maxActions: 2, windowSeconds: 60 }, breaker: { maxAttempts: 100, windowSeconds: 600 } }));
    const a = failure(world, 'a', 0);
    const b = failure(world, 'b', SEC);
    const c = failure(world, 'c', 2 * SEC);
    assert.equal(world.decide(a.opened, at(0)).data.outcome, 'execute');
    assert.equal(world.decide(b.opened, at(SEC)).data.outcome, 'execute');
    const denied = world.decide(c.opened, at(2 * SEC));
    assert.equal(denied.data.outcome, 'denied');
    assert.equal(denied.data.rule, RULE.rateLimit);
    assert.equal(denied.data.reason, '2 actions in the last 60s (limit 2)');
    assert.equal(world.state.incidents.get(c.incidentId)!.escalated, false);
    assert.equal(world.state.incidents.get(c.incidentId)!.pendingDecisionId, null);
  });

  it('lets the denied incident through once the window has moved on, as its first attempt', () => {
    const world = new PolicyWorld(rules({ rateLimit: { maxActions: 2, windowSeconds: 60 }, breaker: { maxAttempts: 100, windowSeconds: 600 } }));
    const a = failure(world, 'a', 0);
    const b = failure(world, 'b', SEC);
    const c = failure(world, 'c', 2 * SEC);
    world.decide(a.opened, at(0));
    world.decide(b.opened, at(SEC));
    world.decide(c.opened, at(2 * SEC));
    assert.equal(world.decide(redetection(world, c.incidentId, 'c', 30 * SEC), at(30 * SEC)).data.rule, RULE.rateLimit, 'still inside the window');
    const later = world.decide(redetection(world, c.incidentId, 'c', 61 * SEC), at(61 * SEC));
    assert.equal(later.data.outcome, 'execute');
    assert.equal(later.data.attempt, 1);
    assert.equal(later.data.notBefore, iso(61 * SEC));
  });
});

describe('rate-limit denials are decided again by the sweep', () => {
  const limited = () => new PolicyWorld(rules({ rateLimit: { maxActions: 2, windowSeconds: 60 }, breaker: { maxAttempts: 100, windowSeconds: 600 } }));

  function deniedIncident(world: PolicyWorld) {
    const a = failure(world, 'a', 0);
    const b = failure(world, 'b', SEC);
    const c = failure(world, 'c', 2 * SEC);
    world.decide(a.opened, at(0));
    world.decide(b.opened, at(SEC));
    return { c, denied: world.decide(c.opened, at(2 * SEC)) };
  }

  it('given a rate-limit denial, then it is due when the oldest action leaves the window', () => {
    const { denied } = deniedIncident(limited());
    assert.equal(denied.data.notBefore, iso(60 * SEC));
  });

  it('given nothing re-detects the incident, when its wait is over, then the sweep decides it again, once', () => {
    const world = limited();
    const { c, denied } = deniedIncident(world);
    assert.deepEqual(dueRateLimitRetries(world.state, at(59 * SEC)), [], 'not before it is due');
    const due = dueRateLimitRetries(world.state, at(60 * SEC));
    assert.deepEqual(due, [{ trigger: c.opened, retryOf: denied }]);
    const facts = decideRemediation(world.state, due[0]!.trigger, world.rules, at(60 * SEC), world.chooser(), due[0]!.retryOf);
    assert.equal(facts.length, 1);
    const retried = facts[0] as Decision;
    assert.equal(retried.data.outcome, 'execute');
    assert.equal(retried.causationId, denied.id);
    assert.equal(retried.id, derivedId('RemediationDecided', denied.id));
    assert.ok(validateEvent(retried).ok);
    world.apply(retried);
    assert.deepEqual(dueRateLimitRetries(world.state, at(61 * SEC)), []);
    assert.deepEqual(decideRemediation(world.state, c.opened, world.rules, at(61 * SEC), world.chooser(), denied), [], 'a repeated retry decides nothing');
  });

  it('given the incident was re-detected and decided meanwhile, then there is nothing left to retry', () => {
    const world = limited();
    const { c } = deniedIncident(world);
    world.decide(redetection(world, c.incidentId, 'c', 61 * SEC), at(61 * SEC));
    assert.deepEqual(dueRateLimitRetries(world.state, at(62 * SEC)), []);
  });

  it('does not retry breaker denials: those escalate', () => {
    const world = new PolicyWorld(rules({ breaker: { maxAttempts: 1, windowSeconds: 600 } }));
    const { decisions } = failRepeatedly(world, 'web', 1, 0, SEC);
    const facts = world.deliver(verificationFailed(decisions[0]!, 2 * SEC), at(2 * SEC));
    assert.deepEqual(typesOfFacts(facts), ['RemediationDecided', 'IncidentEscalated']);
    assert.deepEqual(dueRateLimitRetries(world.state, at(3600 * SEC)), []);
  });
});

describe('decideRemediation: a decision that went stale', () => {
  function staleRefusal(decisionId: string, correlationId: string, refusal: 'decision_stale' | 'no_open_case' = 'decision_stale'): JarvisEvent {
    return createEvent({
      id: derivedId('ActionRefused', decisionId),
      type: 'ActionRefused',
      source: 'executor',
      time: iso(200 * SEC),
      subject: 'container:web',
      correlationId,
      causationId: decisionId,
      data: { target: containerTarget('web'), decisionId, action: RESTART_CONTAINER, refusal, reason: 'decided 200s ago (limit 120s)' },
    });
  }

  it('given the executor refused the incident own decision as stale, then the policy decides afresh', () => {
    const world = new PolicyWorld(rules());
    const { opened, incidentId } = failure(world, 'web', 0);
    const first = world.decide(opened, at(0));
    const again = world.decide(staleRefusal(first.id, incidentId), at(200 * SEC));
    assert.equal(again.data.outcome, 'execute');
    assert.equal(again.data.attempt, 2);
    assert.match(again.data.reason, /went stale/);
  });

  it('given a stale refusal of a decision the policy never made (forged), then nothing, and the real latest trigger stays', () => {
    const world = new PolicyWorld(rules({ rateLimit: { maxActions: 1, windowSeconds: 60 } }));
    world.decide(failure(world, 'other', 0).opened, at(0));
    const { opened, incidentId } = failure(world, 'web', SEC);
    assert.equal(world.decide(opened, at(SEC)).data.rule, RULE.rateLimit, 'an incident with no decision pending');
    assert.deepEqual(world.deliver(staleRefusal(derivedId('forged'), incidentId), at(10 * SEC)), []);
    assert.equal(world.state.incidents.get(incidentId)!.lastTrigger, opened);
  });

  it('treats only stale refusals as triggers: other refusals mean the decision was not to be trusted', () => {
    assert.equal(isTrigger(staleRefusal(derivedId('x'), derivedId('i'))), true);
    assert.equal(isTrigger(staleRefusal(derivedId('x'), derivedId('i'), 'no_open_case')), false);
  });
});

describe('overdueDecisions: stuck decisions escalate', () => {
  it('given an execute decision without outcome, when decisionTimeoutSeconds after its notBefore pass, then the incident escalates with rule decision_timeout', () => {
    const world = new PolicyWorld(rules({ backoff: { initialMs: 10 * SEC, maxMs: 10 * SEC } }));
    const { opened, incidentId } = failure(world, 'web', 0);
    const decision = world.decide(opened, at(0));
    assert.deepEqual(overdueDecisions(world.state, at(30 * SEC), 30), [], 'exactly at the deadline it still waits');
    const [escalation, ...rest] = overdueDecisions(world.state, at(30 * SEC + 1), 30);
    assert.deepEqual(rest, []);
    assert.equal(escalation!.data.rule, RULE.decisionTimeout);
    assert.equal(escalation!.id, derivedId('IncidentEscalated', RULE.decisionTimeout, decision.id));
    assert.equal(escalation!.correlationId, incidentId);
    assert.equal(escalation!.causationId, decision.id);
    assert.match(escalation!.data.reason, /policy\.decisionTimeoutSeconds/);
    assert.ok(validateEvent(escalation!).ok);
    world.apply(escalation!);
    assert.deepEqual(overdueDecisions(world.state, at(60 * SEC), 30), [], 'escalates once');
  });

  it('counts from notBefore: a backoff is not silence', () => {
    const world = new PolicyWorld(rules({ backoff: { initialMs: 20 * SEC, maxMs: 20 * SEC } }));
    const { opened } = failure(world, 'web', 0);
    const first = world.decide(opened, at(0));
    const second = world.decide(verificationFailed(first, SEC), at(SEC));
    assert.equal(second.data.notBefore, iso(21 * SEC));
    assert.deepEqual(overdueDecisions(world.state, at(50 * SEC), 30), []);
    assert.equal(overdueDecisions(world.state, at(52 * SEC), 30).length, 1);
  });

  for (const [label, settle] of [
    ['the action failed', (d: Decision) => actionFailed(d, SEC)],
    ['verification passed', (d: Decision) => verificationPassed(d, SEC)],
    ['verification failed', (d: Decision) => verificationFailed(d, SEC)],
    ['the incident was resolved', (d: Decision) => resolved(d.correlationId, 'web', SEC)],
    ['the executor refused it', (d: Decision) => executorSettled(d, 'ActionRefused')],
    ['the executor found it superseded', (d: Decision) => executorSettled(d, 'DecisionSuperseded')],
  ] as const) {
    it(`given ${label}, then nothing escalates`, () => {
      const world = new PolicyWorld(rules());
      const { opened } = failure(world, 'web', 0);
      const decision = world.decide(opened, at(0));
      world.apply(settle(decision));
      assert.deepEqual(overdueDecisions(world.state, at(3600 * SEC), 30), []);
    });
  }

  it('given an incident already escalated, then nothing more escalates', () => {
    const world = new PolicyWorld(rules());
    const { opened } = failure(world, 'web', 0);
    world.decide(opened, at(0));
    world.apply(overdueDecisions(world.state, at(100 * SEC), 30)[0]!);
    assert.deepEqual(overdueDecisions(world.state, at(200 * SEC), 30), []);
  });
});

describe('decideRemediation: stale detections', () => {
  it('ignores an incident opening older than staleDetectionSeconds', () => {
    const world = new PolicyWorld(rules({ staleDetectionSeconds: 300 }));
    const { opened } = failure(world, 'web', 0);
    assert.deepEqual(world.deliver(opened, at(300 * SEC + 1)), []);
  });

  it('still acts on one exactly staleDetectionSeconds old', () => {
    const world = new PolicyWorld(rules({ staleDetectionSeconds: 300 }));
    const { opened } = failure(world, 'web', 0);
    assert.equal(world.decide(opened, at(300 * SEC)).data.outcome, 'execute');
  });

  it('ignores a stale re-detection but not an old verification failure', () => {
    const world = new PolicyWorld(rules({ staleDetectionSeconds: 300 }));
    const { opened, incidentId } = failure(world, 'web', 0);
    const first = world.decide(opened, at(0));
    world.apply(verificationPassed(first, SEC));
    assert.deepEqual(world.deliver(redetection(world, incidentId, 'web', 2 * SEC), at(400 * SEC)), []);

    const other = new PolicyWorld(rules({ staleDetectionSeconds: 300 }));
    const incident = failure(other, 'web', 0);
    const decision = other.decide(incident.opened, at(0));
    assert.equal(other.decide(verificationFailed(decision, SEC), at(400 * SEC)).data.attempt, 2);
  });
});

describe('decideRemediation: approval and closed incidents', () => {
  it('asks for approval instead of restarting when autoRestart is off, and counts no attempt', () => {
    const world = new PolicyWorld(rules({ autoRestart: false }));
    const { opened, incidentId } = failure(world, 'web', 0);
    const decision = world.decide(opened, at(0));
    assert.equal(decision.data.outcome, 'needs_approval');
    assert.equal(decision.data.rule, RULE.approvalRequired);
    assert.equal(decision.data.attempt, 1);
    assert.equal(decision.data.notBefore, iso(0));
    assert.equal(world.state.attemptsByTarget.size, 0);
    assert.deepEqual(world.deliver(redetection(world, incidentId, 'web', 10 * SEC), at(10 * SEC)), [], 'asked once per incident, not at every re-detection');
  });

  it('given approval was asked for, when automatic restarts are turned on, then the next re-detection restarts', () => {
    const world = new PolicyWorld(rules({ autoRestart: false }));
    const { opened, incidentId } = failure(world, 'web', 0);
    world.decide(opened, at(0));
    const turnedOn = new PolicyWorld(rules({ autoRestart: true }));
    for (const [key, value] of Object.entries(world.state)) Object.assign(turnedOn.state, { [key]: value });
    assert.equal(turnedOn.decide(redetection(world, incidentId, 'web', 10 * SEC), at(10 * SEC)).data.outcome, 'execute');
  });

  it('asks again for a new incident on the same target', () => {
    const world = new PolicyWorld(rules({ autoRestart: false }));
    const first = failure(world, 'web', 0);
    world.decide(first.opened, at(0));
    world.apply(resolved(first.incidentId, 'web', 5 * SEC));
    const second = failure(world, 'web', 10 * SEC);
    assert.equal(world.decide(second.opened, at(10 * SEC)).data.outcome, 'needs_approval');
  });

  it('decides nothing for a resolved incident', () => {
    const world = new PolicyWorld(rules());
    const { opened, incidentId } = failure(world, 'web', 0);
    const decision = world.decide(opened, at(0));
    world.apply(verificationPassed(decision, 3 * SEC));
    world.apply(resolved(incidentId, 'web', 3 * SEC));
    assert.deepEqual(world.deliver(redetection(world, incidentId, 'web', 4 * SEC), at(4 * SEC)), []);
    assert.deepEqual(world.deliver(actionFailed(decision, 4 * SEC), at(4 * SEC)), []);
  });

  it('decides nothing for an incident it never saw opened', () => {
    const world = new PolicyWorld(rules());
    assert.deepEqual(world.deliver(redetection(world, derivedId('unknown incident'), 'web', 0), at(0)), []);
  });
});

describe('decideRemediation: the action comes from the capability registry', () => {
  const CLEAN: RemediationChoice = { action: 'clean_tmp_files', params: { olderThanDays: 7 }, risk: 'medium' };
  const WIPE: RemediationChoice = { action: 'wipe_cache', params: {}, risk: 'high' };
  const chooseFor = (choice: RemediationChoice | null): ChooseRemediation => () => choice;

  it('given a check whose remediation has parameters, then the decision carries the action, its parameters and its risk', () => {
    const world = new PolicyWorld(rules(), chooseFor(CLEAN));
    const decision = world.decide(failure(world, 'web', 0).opened, at(0));
    assert.deepEqual([decision.data.outcome, decision.data.action, decision.data.params, decision.data.risk], ['execute', 'clean_tmp_files', { olderThanDays: 7 }, 'medium']);
    assert.equal(decision.data.rule, RULE.autoRemediation);
    assert.ok(validateEvent(decision).ok);
  });

  it('given an action above policy.maxAutonomousRisk, then it needs approval, once per incident', () => {
    const world = new PolicyWorld(rules({ maxAutonomousRisk: 'medium' }), chooseFor(WIPE));
    const { opened, incidentId } = failure(world, 'web', 0);
    const decision = world.decide(opened, at(0));
    assert.deepEqual([decision.data.outcome, decision.data.rule, decision.data.action], ['needs_approval', RULE.approvalRequired, 'wipe_cache']);
    assert.match(decision.data.reason, /high risk, above policy\.maxAutonomousRisk \(medium\)/);
    assert.deepEqual(world.deliver(redetection(world, incidentId, 'web', 10 * SEC), at(10 * SEC)), []);
  });

  it('given maxAutonomousRisk high, then a high-risk action runs on its own', () => {
    const world = new PolicyWorld(rules({ maxAutonomousRisk: 'high' }), chooseFor(WIPE));
    assert.equal(world.decide(failure(world, 'web', 0).opened, at(0)).data.outcome, 'execute');
  });

  it('given maxAutonomousRisk low, then a medium-risk action needs approval', () => {
    const world = new PolicyWorld(rules({ maxAutonomousRisk: 'low' }), chooseFor(CLEAN));
    assert.equal(world.decide(failure(world, 'web', 0).opened, at(0)).data.outcome, 'needs_approval');
  });

  it('given autoRestart false, then only restarts need approval', () => {
    const world = new PolicyWorld(rules({ autoRestart: false }), chooseFor(CLEAN));
    assert.equal(world.decide(failure(world, 'web', 0).opened, at(0)).data.outcome, 'execute');
  });

  it('given no remediation for the check (none, or none registered), then a denial and an escalation: a person decides', () => {
    const world = new PolicyWorld(rules(), chooseFor(null));
    const { opened, incidentId } = failure(world, 'web', 0);
    const facts = world.deliver(opened, at(0));
    assert.deepEqual(facts.map((f) => f.type), ['RemediationDecided', 'IncidentEscalated']);
    const [denied, escalated] = facts as [Decision, JarvisEventOf<'IncidentEscalated'>];
    assert.deepEqual([denied.data.outcome, denied.data.rule, denied.data.action], ['denied', RULE.noRemediation, 'none']);
    assert.equal(escalated.data.rule, RULE.noRemediation);
    assert.match(escalated.data.reason, /no automatic remediation for container_state on container:web/);
    for (const fact of facts) assert.ok(validateEvent(fact).ok);
    assert.deepEqual(world.deliver(redetection(world, incidentId, 'web', 10 * SEC), at(10 * SEC)), [], 'escalated: nothing more');
  });

  it('given an action allowed once per incident that did not fix it, then the next trigger escalates with the evidence', () => {
    const world = new PolicyWorld(rules(), chooseFor({ ...CLEAN, maxAttemptsPerIncident: 1 }));
    const first = world.decide(failure(world, 'web', 0).opened, at(0));
    const facts = world.deliver(verificationFailed(first, 5 * SEC), at(5 * SEC));
    assert.deepEqual(facts.map((f) => f.type), ['RemediationDecided', 'IncidentEscalated']);
    const [denied, escalated] = facts as [Decision, JarvisEventOf<'IncidentEscalated'>];
    assert.deepEqual([denied.data.outcome, denied.data.rule], ['denied', RULE.remediationExhausted]);
    assert.equal(escalated.data.rule, RULE.remediationExhausted);
    assert.match(escalated.data.reason, /clean_tmp_files already ran 1 time\(s\) in this incident and container_state still fails \(container is exited/);
  });

  it('given a fallback once the first action is used up, then the chooser sees what ran and the fallback gets its own attempts', () => {
    const seen: Record<string, number>[] = [];
    const choose: ChooseRemediation = (_target, _check, { attemptsByAction }) => {
      seen.push({ ...attemptsByAction });
      return (attemptsByAction['clean_tmp_files'] ?? 0) < 1 ? { ...CLEAN, maxAttemptsPerIncident: 1 } : { ...WIPE, maxAttemptsPerIncident: 1 };
    };
    const world = new PolicyWorld(rules({ maxAutonomousRisk: 'high' }), choose);
    const first = world.decide(failure(world, 'web', 0).opened, at(0));
    const second = world.decide(verificationFailed(first, 5 * SEC), at(5 * SEC));
    assert.deepEqual([second.data.outcome, second.data.action, second.data.attempt], ['execute', 'wipe_cache', 2]);
    assert.deepEqual(seen, [{}, { clean_tmp_files: 1 }]);
  });

  it('given the known-good copy of the target\'s config on record, then the chooser is told of it', () => {
    let told: unknown;
    const world = new PolicyWorld(rules(), (_target, _check, { facts }) => ((told = facts), CLEAN));
    world.apply(
      createEvent({
        id: world.id('known-good'),
        type: 'ConfigKnownGoodRecorded',
        source: 'config-editor',
        time: iso(0),
        subject: 'container:web',
        correlationId: world.id('confirmation'),
        causationId: null,
        data: { target: containerTarget('web'), path: '/etc/web.yaml', knownGood: 'web.yaml.1a2b3c4d.20250301T120000000Z.good', maskedDigest: 'a'.repeat(64), confirmationId: derivedId('c') },
      }),
    );
    world.decide(failure(world, 'web', 0).opened, at(0));
    assert.deepEqual(told, { knownGood: { path: '/etc/web.yaml', knownGood: 'web.yaml.1a2b3c4d.20250301T120000000Z.good' } });
  });

  it('given every candidate used up, then the escalation says why a fallback was not offered', () => {
    const world = new PolicyWorld(rules(), chooseFor({ ...CLEAN, maxAttemptsPerIncident: 1, note: 'wipe_cache is not offered: no known-good copy is recorded' }));
    const first = world.decide(failure(world, 'web', 0).opened, at(0));
    const escalated = world.deliver(verificationFailed(first, 5 * SEC), at(5 * SEC))[1] as JarvisEventOf<'IncidentEscalated'>;
    assert.match(escalated.data.reason, /still fails .*; wipe_cache is not offered: no known-good copy is recorded: nothing more is done automatically$/);
  });

  it('counts every action type toward the rate limit, as the docs say', () => {
    let choice = RESTART;
    const world = new PolicyWorld(rules({ rateLimit: { maxActions: 2, windowSeconds: 60 } }), () => choice);
    world.decide(failure(world, 'a', 0).opened, at(0));
    choice = CLEAN;
    world.decide(failure(world, 'b', 1 * SEC).opened, at(1 * SEC));
    const third = world.decide(failure(world, 'c', 2 * SEC).opened, at(2 * SEC));
    assert.deepEqual([third.data.outcome, third.data.rule], ['denied', RULE.rateLimit]);
    assert.match(third.data.reason, /^2 actions in the last 60s \(limit 2\)/);
  });
});

describe('decideOnGrant: a person approves, once, exactly what was asked', () => {
  const WIPE: RemediationChoice = { action: 'wipe_cache', params: { keepDays: 1 }, risk: 'high' };

  /** An incident whose action needs approval: the needs_approval decision and its request, both applied. */
  function asked(world: PolicyWorld) {
    const incident = failure(world, 'web', 0);
    world.deliver(incident.detection, at(0));
    const facts = world.deliver(incident.opened, at(0));
    const request = facts.find((f) => f.type === 'ApprovalRequested') as JarvisEventOf<'ApprovalRequested'>;
    return { ...incident, request };
  }

  function grant(world: PolicyWorld, request: JarvisEventOf<'ApprovalRequested'>, overrides: { digest?: string; requestId?: string; offsetMs?: number } = {}) {
    return createEvent({
      id: world.id('grant'),
      type: 'ApprovalGranted',
      source: 'gateway',
      time: iso(overrides.offsetMs ?? 60 * SEC),
      subject: request.subject,
      correlationId: request.correlationId,
      causationId: null,
      data: { target: request.data.target, requestId: overrides.requestId ?? request.id, digest: overrides.digest ?? request.data.digest, by: 'alice (api token)' },
    });
  }

  function answer(world: PolicyWorld, event: JarvisEventOf<'ApprovalGranted'>, now: Date): JarvisEvent[] {
    world.apply(event);
    const facts = decideOnGrant(world.state, event, now);
    for (const fact of facts) world.apply(fact);
    return facts;
  }

  it('given a needs_approval decision, then its request carries the digest of exactly what would run and an expiry', () => {
    const world = new PolicyWorld(rules({ approvalExpirySeconds: 600 }), () => WIPE);
    const { request } = asked(world);
    assert.equal(request.data.digest, approvalDigest({ action: 'wipe_cache', target: request.data.target, params: { keepDays: 1 } }));
    assert.equal(request.data.expiresAt, iso(600 * SEC));
    assert.ok(validateEvent(request).ok);
    assert.equal(pendingApprovals(world.state, at(SEC)).length, 1);
  });

  it('given a valid grant, then one execute decision citing it, and a replay of it executes nothing', () => {
    const world = new PolicyWorld(rules(), () => WIPE);
    const { request } = asked(world);
    const granted = grant(world, request);
    const [decision] = answer(world, granted, at(60 * SEC)) as [Decision];
    assert.deepEqual([decision.data.outcome, decision.data.rule, decision.data.approvalId, decision.data.action, decision.data.params], ['execute', RULE.approvalGranted, granted.id, 'wipe_cache', { keepDays: 1 }]);
    assert.equal(decision.id, derivedId('RemediationDecided', granted.id));
    assert.ok(validateEvent(decision).ok);
    assert.deepEqual(answer(world, granted, at(61 * SEC)), [], 'the same grant delivered again: already answered');
    const replayed = grant(world, request, { offsetMs: 62 * SEC });
    const [refused] = answer(world, replayed, at(62 * SEC)) as [JarvisEventOf<'ApprovalRefused'>];
    assert.deepEqual([refused.type, refused.data.refusal], ['ApprovalRefused', 'not_pending']);
    assert.match(refused.data.reason, /already used/);
    assert.deepEqual(pendingApprovals(world.state, at(63 * SEC)), []);
  });

  it('given a grant after the expiry, then it is refused as expired; the sweep expires the request once', () => {
    const world = new PolicyWorld(rules({ approvalExpirySeconds: 60 }), () => WIPE);
    const { request } = asked(world);
    assert.deepEqual(expiredApprovals(world.state, at(59 * SEC)), []);
    const [refused] = answer(world, grant(world, request, { offsetMs: 61 * SEC }), at(61 * SEC)) as [JarvisEventOf<'ApprovalRefused'>];
    assert.equal(refused.data.refusal, 'expired');
    const [expired] = expiredApprovals(world.state, at(61 * SEC));
    assert.equal(expired!.id, derivedId('ApprovalExpired', request.id));
    world.apply(expired!);
    assert.deepEqual(expiredApprovals(world.state, at(62 * SEC)), []);
    assert.equal(world.state.incidents.get(request.correlationId)!.awaitingApproval, false, 'the next trigger may ask again');
  });

  it('given a grant naming another digest (altered parameters), then digest_mismatch and nothing runs', () => {
    const world = new PolicyWorld(rules(), () => WIPE);
    const { request } = asked(world);
    const altered = approvalDigest({ action: 'wipe_cache', target: request.data.target, params: { keepDays: 0 } });
    const facts = answer(world, grant(world, request, { digest: altered }), at(60 * SEC));
    assert.deepEqual(facts.map((f) => [f.type, (f as JarvisEventOf<'ApprovalRefused'>).data.refusal]), [['ApprovalRefused', 'digest_mismatch']]);
    assert.equal(pendingApprovals(world.state, at(61 * SEC)).length, 1, 'the real request is still pending');
  });

  it('given a grant naming no known request, or a rejected one, then it is refused', () => {
    const world = new PolicyWorld(rules(), () => WIPE);
    const { request } = asked(world);
    const [unknown] = answer(world, grant(world, request, { requestId: derivedId('nowhere') }), at(60 * SEC)) as [JarvisEventOf<'ApprovalRefused'>];
    assert.equal(unknown.data.refusal, 'unknown_request');
    world.apply(createEvent({ id: world.id('reject'), type: 'ApprovalRejected', source: 'gateway', time: iso(61 * SEC), subject: request.subject, correlationId: request.correlationId, causationId: null, data: { target: request.data.target, requestId: request.id, by: 'bob', reason: 'not now' } }));
    const [late] = answer(world, grant(world, request, { offsetMs: 62 * SEC }), at(62 * SEC)) as [JarvisEventOf<'ApprovalRefused'>];
    assert.deepEqual([late.data.refusal, late.data.reason], ['not_pending', `request ${request.id} is rejected: a grant executes once`]);
  });

  it('given a request still pending, then re-detections join it instead of producing new decisions', () => {
    const world = new PolicyWorld(rules(), () => WIPE);
    const { incidentId } = asked(world);
    assert.deepEqual(world.deliver(redetection(world, incidentId, 'web', 30 * SEC), at(30 * SEC)), []);
  });
});

describe('decideRemediation: a scheduled maintenance run', () => {
  function started(world: PolicyWorld, action = 'cleanup_old_logs', offsetMs = 0) {
    return createEvent({
      id: world.id('run'),
      type: 'MaintenanceStarted',
      source: 'monitor',
      time: iso(offsetMs),
      subject: 'disk:/srv',
      correlationId: world.id('case'),
      causationId: null,
      data: { target: targetOf('disk', '/srv'), schedule: 'nightly', action, params: { olderThanDays: 14 }, slotAt: iso(offsetMs) },
    });
  }

  it('given a run starts, then it is decided once with the schedule\'s action and params, under rule scheduled_maintenance', () => {
    const world = new PolicyWorld(rules());
    const run = started(world);
    const decision = world.decide(run, at(0));
    assert.deepEqual([decision.data.outcome, decision.data.rule, decision.data.action, decision.data.params], ['execute', RULE.scheduledMaintenance, 'cleanup_old_logs', { olderThanDays: 14 }]);
    assert.equal(decision.correlationId, run.correlationId);
    assert.ok(validateEvent(decision).ok);
  });

  it('given its action failed, then nothing more is decided: the failure is the run\'s outcome', () => {
    const world = new PolicyWorld(rules());
    const decision = world.decide(started(world), at(0));
    assert.deepEqual(world.deliver(actionFailed(decision, 1000), at(1000)), []);
  });

  it('given the action needs approval, then the run is denied rather than left waiting for a person', () => {
    const world = new PolicyWorld(rules({ maxAutonomousRisk: 'low' }));
    world.chooseScheduledRisk = 'medium';
    const decision = world.decide(started(world, 'clean_tmp_files'), at(0));
    assert.deepEqual([decision.data.outcome, decision.data.rule], ['denied', RULE.approvalRequired]);
    assert.match(decision.data.reason, /does not wait for a person/);
  });

  it('given the rate limit is spent, then the run is denied like any action', () => {
    const world = new PolicyWorld(rules({ rateLimit: { maxActions: 1, windowSeconds: 60 } }));
    world.decide(failure(world, 'web', 0).opened, at(0));
    const decision = world.decide(started(world, 'cleanup_old_logs', 1000), at(1000));
    assert.deepEqual([decision.data.outcome, decision.data.rule], ['denied', RULE.rateLimit]);
  });
});

describe('isTrigger', () => {
  it('treats openings, failed detections and failed attempts as triggers, nothing else', () => {
    const world = new PolicyWorld(rules());
    const { detection, opened, incidentId } = failure(world, 'web', 0);
    const decision = world.decide(opened, at(0));
    assert.equal(isTrigger(detection), true);
    assert.equal(isTrigger(opened), true);
    assert.equal(isTrigger(verificationFailed(decision, 0)), true);
    assert.equal(isTrigger(actionFailed(decision, 0)), true);
    assert.equal(isTrigger(redetection(world, incidentId, 'web', 0, 'stopped')), false);
    assert.equal(isTrigger(redetection(world, incidentId, 'web', 0, 'ok')), false);
    assert.equal(isTrigger(decision), false);
    assert.equal(isTrigger(verificationPassed(decision, 0)), false);
    assert.equal(isTrigger(resolved(incidentId, 'web', 0)), false);
  });
});

function typesOfFacts(facts: JarvisEvent[]): string[] {
  return facts.map((f) => f.type);
}

function executorSettled(decision: Decision, type: 'ActionRefused' | 'DecisionSuperseded'): JarvisEvent {
  const common = {
    id: derivedId(type, decision.id),
    source: 'executor' as const,
    time: iso(SEC),
    subject: decision.subject,
    correlationId: decision.correlationId,
    causationId: decision.id,
  };
  const data = { target: decision.data.target, decisionId: decision.id, action: RESTART_CONTAINER };
  if (type === 'ActionRefused') return createEvent({ ...common, type, data: { ...data, refusal: 'decision_stale', reason: 'old' } });
  return createEvent({ ...common, type, data: { ...data, evidence: 'running' } });
}
