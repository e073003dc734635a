import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createEvent, decodeEvent, encodeEvent, newId, parseTargetKey, type JarvisEvent, type JarvisEventOf, type TargetRef } from '@jarvis/contracts';
import { decodeSnapshot, encodeSnapshot, type HandlerContext } from '@jarvis/event-log';
import { DEFAULT_INCIDENT_BOOK_LIMITS, emptyReliabilityBook, evolveReliability, openIncidentsOf, remediationOrder, type IncidentRecord } from '@jarvis/incidents';
import { TargetDependencyGraph, type RemediationAction, type TargetDependency } from '@jarvis/registry';
import { CONSEQUENCE_UNRECOVERED } from './case-events.js';
import { ConsequenceRecorder } from './consequence-recorder.js';
import { MonitorProcessor } from './monitor.processor.js';
import { evolveMonitor, initialMonitorState, type MonitorState } from './monitor-state.js';
import { ProbeResultRecorder } from './probe-result-recorder.js';
import { recordingMonitorHost } from './recording-host.test-support.js';
import { TargetLocks } from './target-locks.js';

const T0 = Date.parse('2026-11-29T05:00:00.000Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000);
const GRACE_MS = 300_000;

const DDCLIENT = 'ddclient:lab';
const DNS = 'dns_record:www.lab.jarvis.test';
const TLS = 'tls_certificate:www';
const OTHER_TLS = 'tls_certificate:other';
const CADDY = 'caddy:lab';
const CHECK: Record<string, string> = { [DDCLIENT]: 'ddclient_update', [DNS]: 'dns_resolution', [TLS]: 'tls_certificate', [OTHER_TLS]: 'tls_certificate' };

function ref(key: string): TargetRef {
  const parsed = parseTargetKey(key);
  assert.ok(parsed.ok);
  return parsed.target;
}

const EDGES: TargetDependency[] = [
  { target: ref(DNS), dependsOn: ref(DDCLIENT), why: 'published by ddclient' },
  { target: ref(TLS), dependsOn: ref(DNS), why: 'the certificate needs the name' },
  { target: ref(CADDY), dependsOn: ref(DNS), why: 'Caddy orders the certificate once the name resolves', check: 'caddy_certificates' },
];

class NoParams {}

/** A fix whose verification passes at once. */
const VERIFIED_FIX: RemediationAction = {
  name: 'infrastructure_fix_ddclient',
  kind: 'ddclient',
  risk: 'low',
  params: NoParams,
  defaultParams: () => new NoParams(),
  deadlineMs: 1000,
  alreadyDone: async () => false,
  reobserve: async () => ({ kind: 'fault_holds' }),
  execute: async () => ({ result: 'updated', details: {} }),
  verify: async () => ({ kind: 'passed', evidence: 'ddclient updated www.lab.jarvis.test' }),
};

/** A monitor whose every recorded event is validated as the store would, then folded, like the real host does. */
function given() {
  const graph = TargetDependencyGraph.of(EDGES);
  assert.ok(graph.ok);
  const { host, recorded } = recordingMonitorHost({
    inspect: (event) => {
      const decoded = decodeEvent(encodeEvent(event));
      assert.ok(decoded.ok, `${event.type} is invalid: ${decoded.ok ? '' : decoded.errors.join('; ')}`);
    },
  });
  const state = () => host.state();
  const locks = new TargetLocks();
  const recorder = new ProbeResultRecorder(host, { redetectAfterMs: 30_000, restateStopAfterMs: 3_600_000 }, new ConsequenceRecorder(host, graph.graph, GRACE_MS), locks);
  const observe = (key: string, status: 'failed' | 'ok', seconds: number, reason = `${key} ${status}`) =>
    recorder.record({ target: ref(key), result: { check: CHECK[key]!, status, reason, faultAt: at(seconds).toISOString() }, eventDriven: false, removed: false, now: at(seconds) });
  /** A check of a target with several (a Caddy's). */
  const observeCheck = (key: string, check: string, status: 'failed' | 'ok', seconds: number) =>
    recorder.record({ target: ref(key), result: { check, status, reason: `${check} ${status}`, faultAt: at(seconds).toISOString() }, eventDriven: false, removed: false, now: at(seconds) });
  const open = () => [DDCLIENT, DNS, TLS, OTHER_TLS, CADDY].flatMap((key) => openIncidentsOf(state().incidents, key));
  const incidentOf = (key: string): IncidentRecord => {
    const [incident] = openIncidentsOf(state().incidents, key);
    assert.ok(incident, `${key} has no open incident`);
    return incident;
  };
  const ofType = <T extends JarvisEvent['type']>(type: T) => recorded.filter((e): e is JarvisEventOf<T> => e.type === type);
  /** The root's action ran and was verified, as the executor and the monitor's verification record it. */
  const verifyRootAction = async (rootId: string, seconds: number) => {
    const decision = createEvent({
      id: newId(),
      type: 'RemediationDecided',
      source: 'policy',
      time: at(seconds).toISOString(),
      subject: DDCLIENT,
      correlationId: rootId,
      causationId: null,
      data: { target: ref(DDCLIENT), action: 'infrastructure_fix_ddclient', params: {}, risk: 'low', outcome: 'execute', rule: 'auto_remediation', reason: 'r', attempt: 1, notBefore: at(seconds).toISOString() },
    });
    await host.record(decision);
    await host.record(
      createEvent({ id: newId(), type: 'VerificationPassed', source: 'monitor', time: at(seconds).toISOString(), subject: DDCLIENT, correlationId: rootId, causationId: null, data: { target: ref(DDCLIENT), decisionId: decision.id, evidence: 'updated' } }),
    );
  };
  /** The root's action ran and succeeded; the monitor's own processor verifies it, as after ActionSucceeded. */
  const rootActionSucceeds = async (rootId: string, seconds: number) => {
    const fields = { source: 'executor' as const, time: at(seconds).toISOString(), subject: DDCLIENT, correlationId: rootId, causationId: null };
    const decisionId = newId();
    const decided = { target: ref(DDCLIENT), action: VERIFIED_FIX.name, params: {}, risk: 'low' as const, outcome: 'execute' as const, rule: 'auto_remediation', reason: 'r', attempt: 1, notBefore: at(seconds).toISOString() };
    await host.record(createEvent({ ...fields, source: 'policy', id: decisionId, type: 'RemediationDecided', data: decided }));
    await host.record(createEvent({ ...fields, id: newId(), type: 'ActionStarted', data: { target: ref(DDCLIENT), decisionId, action: VERIFIED_FIX.name, attempt: 1, params: {} } }));
    const succeeded = createEvent({ ...fields, id: newId(), type: 'ActionSucceeded', data: { target: ref(DDCLIENT), decisionId, action: VERIFIED_FIX.name, result: 'updated', details: {}, durationMs: 10 } });
    await host.record(succeeded);
    const processor = new MonitorProcessor(new Map([[VERIFIED_FIX.name, VERIFIED_FIX]]), locks, DEFAULT_INCIDENT_BOOK_LIMITS, 10_000);
    const ctx = { state, now: () => at(seconds + 1), emit: (event: JarvisEvent) => host.record(event), trace: undefined, redeliveries: 0, inProgress: () => undefined };
    await processor.handle(succeeded, ctx as unknown as HandlerContext<MonitorState>);
  };
  return { recorded, state, record: (event: JarvisEvent) => host.record(event), observe, observeCheck, open, incidentOf, ofType, verifyRootAction, rootActionSucceeds };
}

describe('correlation: one incident rooted at the deepest failing dependency', () => {
  it('given ddclient failing first, when the DNS record and the certificate fail, then both join its incident with their chains', async () => {
    const lab = given();
    await lab.observe(DDCLIENT, 'failed', 0, 'NOTAUTH(BADSIG)');
    await lab.observe(DNS, 'failed', 10, 'NXDOMAIN');
    await lab.observe(TLS, 'failed', 20, 'no certificate');

    assert.deepEqual(lab.open().map((i) => i.target), [DDCLIENT]);
    assert.equal(lab.ofType('IncidentOpened').length, 1);
    const root = lab.incidentOf(DDCLIENT);
    assert.deepEqual(
      root.consequences.map((c) => [c.target, c.check, c.state, c.chain]),
      [
        [DNS, 'dns_resolution', 'failing', [DNS, DDCLIENT]],
        [TLS, 'tls_certificate', 'failing', [TLS, DNS, DDCLIENT]],
      ],
    );
    assert.ok(lab.ofType('ConsequenceLinked').every((e) => e.correlationId === root.id));
    assert.deepEqual(remediationOrder(root).map((c) => c.target), [DNS, TLS]);
    assert.ok(root.timeline.some((e) => e.type === 'ConsequenceLinked' && e.summary.includes(`${TLS} → ${DNS} → ${DDCLIENT}`)));
  });

  it('given the DNS record and the certificate failing first, when ddclient fails, then their incident is merged into ddclient\'s and metrics count one', async () => {
    const lab = given();
    await lab.observe(DNS, 'failed', 0, 'NXDOMAIN');
    await lab.observe(TLS, 'failed', 5, 'no certificate');
    const symptom = lab.incidentOf(DNS);
    assert.deepEqual(symptom.consequences.map((c) => c.chain), [[TLS, DNS]], 'the certificate joins the DNS incident while DNS is the deepest failure');

    await lab.observe(DDCLIENT, 'failed', 10, 'NOTAUTH(BADSIG)');

    assert.deepEqual(lab.open().map((i) => i.target), [DDCLIENT]);
    const root = lab.incidentOf(DDCLIENT);
    const merged = lab.state().incidents.byId.get(symptom.id)!;
    assert.deepEqual([merged.status, merged.resolution, merged.mergedInto], ['resolved', 'merged', root.id]);
    assert.deepEqual(
      root.consequences.map((c) => [c.target, c.chain, c.mergedIncidentId]),
      [
        [DNS, [DNS, DDCLIENT], symptom.id],
        [TLS, [TLS, DNS, DDCLIENT], null],
      ],
    );
    const reliability = lab.recorded.reduce(evolveReliability, emptyReliabilityBook());
    assert.equal(reliability.cases.detected, 1);
  });

  it('given the root verified while a consequence still fails, then the incident stays open until each consequence passes again, each recovery recorded', async () => {
    const lab = given();
    await lab.observe(DDCLIENT, 'failed', 0);
    await lab.observe(DNS, 'failed', 10);
    await lab.observe(TLS, 'failed', 20);
    const root = lab.incidentOf(DDCLIENT);
    await lab.verifyRootAction(root.id, 60);
    await lab.observe(DDCLIENT, 'ok', 70);
    assert.equal(lab.ofType('IncidentResolved').length, 0, 'a verified root with failing consequences does not resolve');

    await lab.observe(DNS, 'ok', 80, 'resolves as expected');
    assert.equal(lab.ofType('IncidentResolved').length, 0);
    await lab.observe(TLS, 'ok', 90, 'certificate valid');

    assert.deepEqual(lab.ofType('ConsequenceRecovered').map((e) => [e.subject, e.correlationId]), [[DNS, root.id], [TLS, root.id]]);
    const [resolved] = lab.ofType('IncidentResolved');
    assert.deepEqual([resolved?.correlationId, resolved?.data.resolution], [root.id, 'remediated']);
    assert.deepEqual(lab.state().incidents.byId.get(root.id)!.consequences.map((c) => c.state), ['recovered', 'recovered']);
    assert.equal(lab.open().length, 0);
  });

  it('given the root\'s action verified by the monitor while the certificate fails, then it waits, and resolves remediated once the certificate passes', async () => {
    const lab = given();
    await lab.observe(DDCLIENT, 'failed', 0);
    await lab.observe(DNS, 'failed', 10);
    await lab.observe(TLS, 'failed', 20);
    const root = lab.incidentOf(DDCLIENT);
    await lab.observe(DNS, 'ok', 30);
    await lab.rootActionSucceeds(root.id, 60);
    assert.deepEqual(lab.ofType('VerificationPassed').map((e) => e.correlationId), [root.id]);
    assert.equal(lab.ofType('IncidentResolved').length, 0, 'the certificate still fails');
    assert.equal(lab.incidentOf(DDCLIENT).verifiedAt, at(61).toISOString());

    await lab.observe(TLS, 'ok', 90, 'certificate valid');
    const [resolved] = lab.ofType('IncidentResolved');
    assert.deepEqual([resolved?.correlationId, resolved?.data.resolution], [root.id, 'remediated']);
    assert.match(resolved!.data.reason, /verified and every consequence passes again/);
  });

  it('given the root verified and a consequence still failing past the grace, then the incident escalates naming it, once', async () => {
    const lab = given();
    await lab.observe(DDCLIENT, 'failed', 0);
    await lab.observe(DNS, 'failed', 5);
    await lab.observe(TLS, 'failed', 10);
    const root = lab.incidentOf(DDCLIENT);
    await lab.verifyRootAction(root.id, 60);
    await lab.observe(DNS, 'ok', 70);
    await lab.observe(TLS, 'failed', 60 + GRACE_MS / 1000 - 1, 'still no certificate');
    assert.equal(lab.ofType('IncidentEscalated').length, 0, 'within the grace');
    await lab.observe(TLS, 'failed', 60 + GRACE_MS / 1000 + 1, 'still no certificate');
    await lab.observe(TLS, 'failed', 60 + GRACE_MS / 1000 + 60, 'still no certificate');

    const escalations = lab.ofType('IncidentEscalated');
    assert.equal(escalations.length, 1);
    assert.equal(escalations[0]!.data.rule, CONSEQUENCE_UNRECOVERED);
    assert.match(escalations[0]!.data.reason, new RegExp(`${TLS} tls_certificate \\(still no certificate\\)`));
    assert.doesNotMatch(escalations[0]!.data.reason, /dns_record/);
    assert.equal(lab.ofType('IncidentOpened').length, 1, 'the certificate never opens its own incident');
  });

  it("given a consequence's remediation waiting for approval, then the grace does not run out while it waits, and counts afresh from the grant", async () => {
    const lab = given();
    await lab.observe(DDCLIENT, 'failed', 0);
    await lab.observe(DNS, 'failed', 5);
    await lab.observe(TLS, 'failed', 10);
    const root = lab.incidentOf(DDCLIENT);
    await lab.verifyRootAction(root.id, 60);
    await lab.observe(DNS, 'ok', 61);
    const fields = { source: 'policy' as const, subject: TLS, correlationId: root.id, causationId: null };
    const about = { target: ref(TLS), action: 'infrastructure_remediate_ssl', params: {}, risk: 'high' as const, consequenceCheck: 'tls_certificate' };
    const asked = createEvent({ ...fields, id: newId(), type: 'RemediationDecided', time: at(61).toISOString(), data: { ...about, outcome: 'needs_approval', rule: 'approval_required', reason: 'r', attempt: 2, notBefore: at(61).toISOString() } });
    await lab.record(asked);
    const request = createEvent({ ...fields, id: newId(), type: 'ApprovalRequested', time: at(61).toISOString(), data: { ...about, decisionId: asked.id, digest: 'a'.repeat(64), expiresAt: at(5000).toISOString(), reason: 'r' } });
    await lab.record(request);
    await lab.observe(TLS, 'failed', 60 + GRACE_MS / 1000 + 600, 'still no certificate');
    assert.equal(lab.ofType('IncidentEscalated').length, 0, 'a person is still deciding');

    const grantedAt = 60 + GRACE_MS / 1000 + 700;
    const data = { ...about, outcome: 'execute' as const, rule: 'approval_granted', reason: 'approved by ann', attempt: 2, notBefore: at(grantedAt).toISOString(), approvalId: newId() };
    await lab.record(createEvent({ ...fields, id: newId(), type: 'RemediationDecided', time: at(grantedAt).toISOString(), data }));
    await lab.observe(TLS, 'failed', grantedAt + GRACE_MS / 1000 - 1, 'still no certificate');
    assert.equal(lab.ofType('IncidentEscalated').length, 0, 'within the grace counted from the grant');
    await lab.observe(TLS, 'failed', grantedAt + GRACE_MS / 1000 + 1, 'still no certificate');
    assert.equal(lab.ofType('IncidentEscalated').length, 1);
    assert.match(lab.ofType('IncidentEscalated')[0]!.data.reason, new RegExp(`${TLS} tls_certificate`));
  });

  it('given a consequence recovering before its root, then the root resolves by itself once its own check passes', async () => {
    const lab = given();
    await lab.observe(DDCLIENT, 'failed', 0);
    await lab.observe(DNS, 'failed', 10);
    await lab.observe(DNS, 'ok', 20);
    assert.equal(lab.open().length, 1, 'the root still fails');
    await lab.observe(DDCLIENT, 'ok', 30);

    const [resolved] = lab.ofType('IncidentResolved');
    assert.deepEqual([resolved?.data.resolution, lab.ofType('ConsequenceRecovered').length], ['recovered', 1]);
  });

  it('given a consequence recovered, when it fails again while its root is open, then it is linked again, not opened', async () => {
    const lab = given();
    await lab.observe(DDCLIENT, 'failed', 0);
    await lab.observe(DNS, 'failed', 10);
    await lab.observe(DNS, 'ok', 20);
    await lab.observe(DNS, 'failed', 30, 'NXDOMAIN again');
    assert.deepEqual(lab.incidentOf(DDCLIENT).consequences.map((c) => [c.state, c.reason]), [['failing', 'NXDOMAIN again']]);
    assert.equal(lab.ofType('IncidentOpened').length, 1);
  });

  it('given ddclient failing, when a target that does not rely on it fails, then that failure opens its own incident', async () => {
    const lab = given();
    await lab.observe(DDCLIENT, 'failed', 0);
    await lab.observe(OTHER_TLS, 'failed', 10);
    assert.deepEqual(lab.open().map((i) => i.target).sort(), [DDCLIENT, OTHER_TLS].sort());
    assert.equal(lab.ofType('ConsequenceLinked').length, 0);
  });

  it('given ddclient failing but the record still resolving, when the certificate of that host fails, then it is not explained and opens its own incident', async () => {
    const lab = given();
    await lab.observe(DDCLIENT, 'failed', 0);
    await lab.observe(TLS, 'failed', 10, 'expires in 2 days');
    assert.deepEqual(lab.open().map((i) => i.target).sort(), [DDCLIENT, TLS].sort());

    await lab.observe(DNS, 'failed', 20, 'NXDOMAIN');
    assert.deepEqual(lab.open().map((i) => i.target), [DDCLIENT], 'once the record fails, the certificate is explained: merged');
    assert.deepEqual(lab.incidentOf(DDCLIENT).consequences.map((c) => c.target), [DNS, TLS]);
  });

  it('given any ordering, when the log is replayed or the state goes through a snapshot, then the state is the same', async () => {
    const lab = given();
    await lab.observe(TLS, 'failed', 0);
    await lab.observe(DNS, 'failed', 5);
    await lab.observe(DDCLIENT, 'failed', 10);
    await lab.verifyRootAction(lab.incidentOf(DDCLIENT).id, 60);
    await lab.observe(DNS, 'ok', 70);

    const replayed = lab.recorded.reduce((state, event) => evolveMonitor(state, event), initialMonitorState());
    assert.deepEqual(replayed, lab.state());
    const snapshot = { processor: 'jarvis-monitor', stateVersion: 3, stream: 's', seq: lab.recorded.length, ahead: [], state: lab.state() };
    assert.deepEqual(decodeSnapshot<MonitorState>(encodeSnapshot(snapshot)).state, lab.state());
  });
});

describe('correlation: a dependency held by one check of a target', () => {
  it("given ddclient and the DNS record failing, when the Caddy's certificates and its admin API fail, then the certificates join ddclient's incident and the admin API opens its own", async () => {
    const lab = given();
    await lab.observe(DDCLIENT, 'failed', 0, 'NOTAUTH(BADSIG)');
    await lab.observe(DNS, 'failed', 10, 'NXDOMAIN');
    await lab.observeCheck(CADDY, 'caddy_certificates', 'failed', 20);
    await lab.observeCheck(CADDY, 'caddy_admin_api', 'failed', 30);

    const root = lab.incidentOf(DDCLIENT);
    assert.deepEqual(
      root.consequences.map((c) => [c.target, c.check, c.chain]),
      [
        [DNS, 'dns_resolution', [DNS, DDCLIENT]],
        [CADDY, 'caddy_certificates', [CADDY, DNS, DDCLIENT]],
      ],
    );
    assert.deepEqual(lab.open().map((i) => [i.target, i.check]), [[DDCLIENT, 'ddclient_update'], [CADDY, 'caddy_admin_api']]);
  });

  it("given the Caddy's certificates and its admin API failing first, when the DNS record fails, then only the certificates' incident is merged", async () => {
    const lab = given();
    await lab.observeCheck(CADDY, 'caddy_certificates', 'failed', 0);
    await lab.observeCheck(CADDY, 'caddy_admin_api', 'failed', 5);
    await lab.observe(DNS, 'failed', 10, 'NXDOMAIN');

    assert.deepEqual(lab.open().map((i) => [i.target, i.check]), [[DNS, 'dns_resolution'], [CADDY, 'caddy_admin_api']]);
    assert.deepEqual(lab.incidentOf(DNS).consequences.map((c) => [c.target, c.check, c.chain]), [[CADDY, 'caddy_certificates', [CADDY, DNS]]]);
  });
});
