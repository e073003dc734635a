import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { IncidentListReply, JarvisEvent, ReliabilityReply } from '@jarvis/contracts';
import { crashMainProcess, runContainer, waitRunning } from '../support/docker-harness.js';
import { runJarvisCli } from '../support/jarvis-cli.js';
import { JARVIS_BIN, REPO_ROOT } from '../support/jarvis-harness.js';
import { useLab } from '../support/lab.js';
import { spawnTracked, waitFor, type TrackedProcess } from '../support/processes.js';

const CONFIG = `
watch:
  reconcileIntervalSeconds: 5
verification:
  stableForMs: 1000
`;

const UNKNOWN_CASE = '00000000-0000-4000-8000-000000000000';

/** `jarvis audit tail`, `jarvis incidents`, `jarvis incident` and the reliability figures against a Jarvis that heals a real crash. */
describe('following and reading incidents from the command line', { timeout: 240_000 }, () => {
  const lab = useLab('all-in-one', CONFIG);
  const api = () => ({ JARVIS_API_URL: `http://127.0.0.1:${lab.jarvis.httpPort}` });
  const tail = (args: string[]): TrackedProcess =>
    spawnTracked(process.execPath, [JARVIS_BIN, 'audit', 'tail', ...args], { env: { ...process.env, NATS_URL: lab.nats.url }, logFile: join(lab.jarvis.dir, `tail-${Date.now()}.log`), cwd: REPO_ROOT });
  let caseId = '';

  it('follows a crash live, line by line, and stops at once on SIGTERM', async () => {
    const everything = tail(['--json']);
    const onlyTold = tail(['--target', 'container:told']);
    const onlyStarts = tail(['--type', 'ActionStarted']);
    for (const proc of [everything, onlyTold, onlyStarts]) await waitFor('the tail to subscribe', () => proc.log().includes('following jarvis.events.'), 20_000);
    await runContainer(lab.docker.docker, { name: 'bystander', cmd: ['sleep', '100000'], watched: true });
    await runContainer(lab.docker.docker, { name: 'told', cmd: ['sleep', '100000'], watched: true });
    await waitRunning(lab.docker.docker, 'told');
    await crashMainProcess(lab.docker.docker, 'told');
    const resolved = await lab.explained('container:told', lab.reader.waitForEvent('IncidentResolved', (e) => e.subject === 'container:told', 60_000));
    caseId = resolved.correlationId;
    await waitFor('the tail to print the resolution', () => everything.log().includes(`"type":"IncidentResolved"`), 10_000);

    const printed = everything.log().trim().split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as JarvisEvent);
    const ofCase = printed.filter((e) => e.correlationId === caseId).map((e) => e.type);
    assert.deepEqual(ofCase, ['DetectionRecorded', 'IncidentOpened', 'RemediationDecided', 'ActionStarted', 'ActionSucceeded', 'VerificationPassed', 'IncidentResolved']);

    await waitFor('the filtered tail to print the resolution', () => onlyTold.log().includes('resolved: '), 10_000);
    const lines = onlyTold.log().trim().split('\n').slice(1);
    assert.ok(lines.every((l) => l.includes(' container:told [case ')), onlyTold.log());
    assert.ok(lines.some((l) => l.includes(`container:told [case ${caseId}] acting: restart_container`)), onlyTold.log());
    assert.deepEqual(onlyStarts.log().trim().split('\n').slice(1).map((l) => l.split('  ')[1]!.split(' [')[0]), ['container:told'], onlyStarts.log());

    for (const proc of [everything, onlyTold, onlyStarts]) {
      assert.equal(await proc.stop('SIGTERM', 10_000), 0, proc.log());
    }
  });

  it('lists the incidents and shows one as a timeline, as text and as JSON', async () => {
    const list = await runJarvisCli(['incidents', '--status', 'resolved'], api());
    assert.equal(list.status, 0, list.stderr);
    assert.match(list.stdout, new RegExp(`^${caseId}  resolved \\(remediated\\)\\s+container:told`, 'm'));
    assert.match(list.stdout, /1 incident\(s\): 0 open, 0 escalated, 1 resolved; MTTD p50 [\d.]+ s, MTTR p50 [\d.]+ s/);

    const json = await runJarvisCli(['incidents', '--json'], api());
    assert.deepEqual((JSON.parse(json.stdout) as IncidentListReply).incidents.map((i) => i.id), [caseId]);

    const shown = await runJarvisCli(['incident', caseId], api());
    assert.equal(shown.status, 0, shown.stderr);
    assert.match(shown.stdout, new RegExp(`^Incident ${caseId} on container:told: resolved \\(remediated\\)`));
    for (const type of ['IncidentOpened', 'RemediationDecided', 'ActionStarted', 'ActionSucceeded', 'VerificationPassed', 'IncidentResolved']) {
      assert.match(shown.stdout, new RegExp(`^  \\S+  ${type}`, 'm'), shown.stdout);
    }
  });

  it('serves the reliability figures of the healed crash, the same after a kill -9 and restart of Jarvis', async () => {
    const read = async () => {
      const response = await fetch(`${api().JARVIS_API_URL}/api/jarvis/metrics/reliability`);
      assert.equal(response.status, 200);
      const { at: _at, ...figures } = (await response.json()) as ReliabilityReply;
      return figures;
    };
    const before = await read();
    assert.deepEqual(before.incidents, { detected: 1, open: 0, remediated: 1, remediatedWithoutPerson: 1, recovered: 0, withdrawn: 0, escalated: 0 });
    assert.equal(before.autonomousFixRate, 1);
    assert.deepEqual(before.actionTypes['restart_container'], { succeeded: 1, failed: 0, successRate: 1, minutesSavedEach: 15, minutesSaved: 15 });
    assert.deepEqual(before.actionsExecuted, { last24h: 1, last7d: 1, last30d: 1 });
    assert.equal(before.mttr.byActionType['restart_container']?.samples, 1);
    const jarvis = lab.jarvis.processOf('audit');
    await jarvis.proc.kill9();
    await lab.jarvis.restart(jarvis);
    assert.deepEqual(await read(), before);
  });

  it('rebuilds the same figures from zero with jarvis audit replay as the live service serves', async () => {
    const response = await fetch(`${api().JARVIS_API_URL}/api/jarvis/metrics/reliability`);
    const { at: _liveAt, ...live } = (await response.json()) as ReliabilityReply;
    const replay = await runJarvisCli(['audit', 'replay', '--json'], { NATS_URL: lab.nats.url, JARVIS_CONFIG: join(lab.jarvis.dir, 'jarvis.yaml') });
    assert.equal(replay.status, 0, replay.stderr);
    const replayed = JSON.parse(replay.stdout) as { events: number; invalid: number; reliability: ReliabilityReply; incidents: { incidents: number; resolved: number } };
    const { at: _replayAt, ...rebuilt } = replayed.reliability;
    assert.deepEqual(rebuilt, live);
    assert.equal(replayed.invalid, 0);
    assert.ok(replayed.events > 0);
    assert.deepEqual([replayed.incidents.incidents, replayed.incidents.resolved], [1, 1]);
    const text = await runJarvisCli(['audit', 'replay'], { NATS_URL: lab.nats.url });
    assert.match(text.stdout, /^replayed \d+ events in [\d.]+ s \(\d+ events\/s\)/);
  });

  it('says plainly what is wrong: an unknown incident (1), a malformed id, a bad filter or event type (2)', async () => {
    const unknown = await runJarvisCli(['incident', UNKNOWN_CASE], api());
    assert.equal(unknown.status, 1);
    assert.match(unknown.stderr, /jarvis incident: .*\(404\)/);
    const malformed = await runJarvisCli(['incident', 'told'], api());
    assert.deepEqual([malformed.status, malformed.stderr.split('\n')[0]], [2, 'jarvis incident: "told" is not an incident id (a UUID)']);
    const badStatus = await runJarvisCli(['incidents', '--status', 'closed'], api());
    assert.equal(badStatus.status, 1);
    assert.match(badStatus.stderr, /status/);
    const badType = await runJarvisCli(['audit', 'tail', '--type', 'ActionStart'], { NATS_URL: lab.nats.url });
    assert.deepEqual([badType.status, badType.stderr.split('\n')[0]], [2, 'jarvis audit tail: --type: "ActionStart" is not an event type (did you mean ActionStarted?)']);
    const badTarget = await runJarvisCli(['audit', 'tail', '--target', 'told'], { NATS_URL: lab.nats.url });
    assert.equal(badTarget.status, 2, badTarget.stderr);
  });
});
