import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CommandRefusedError } from '@jarvis/command-runner';
import { RunsAsConfig } from '@jarvis/config';
import { targetOf } from '@jarvis/contracts';
import { DockerodeRuntime } from '@jarvis/docker';
import { ComponentRestarts } from '@jarvis/executor-service';
import { RestartComponent, RestartComponentParams, type ProbeFinding, type RestartSpec } from '@jarvis/registry';
import { runContainer, startDockerd, waitRunning, type DockerHarness } from '../support/docker-harness.js';
import { killAllTracked } from '../support/processes.js';

const target = targetOf('ddclient', 'home');

/** A spec whose check answers what the test says, in order (the last answer repeats). */
function specFor(runsAs: RunsAsConfig, findings: ProbeFinding[]): RestartSpec {
  return {
    name: 'restart_ddclient',
    kind: 'ddclient',
    runsAs: (t) => (t.id === 'home' ? runsAs : undefined),
    check: async () => (findings.length > 1 ? findings.shift()! : findings[0]!),
    deadlineMs: 60_000,
  };
}

const failing: ProbeFinding = { status: 'failed', reason: 'updates not published' };
const passing: ProbeFinding = { status: 'ok', reason: 'www.lab.test updated' };

describe('restart of a component that runs in a container, against a real dockerd', { timeout: 120_000 }, () => {
  let docker: DockerHarness;

  before(async () => {
    docker = await startDockerd();
  });

  after(async () => {
    await docker?.stop();
    await killAllTracked();
  });

  it('restarts the named container through the Docker API, and verification waits for the check to pass', async () => {
    await runContainer(docker.docker, { name: 'ddclient-box', cmd: ['sleep', '100000'] });
    const before = await waitRunning(docker.docker, 'ddclient-box');
    const runtime = new DockerodeRuntime(docker.docker, { callTimeoutMs: 10_000, endpoint: docker.host });
    const runsAs = Object.assign(new RunsAsConfig(), { container: 'ddclient-box' });
    const action = new RestartComponent(specFor(runsAs, [failing, failing, passing]), new ComponentRestarts(runtime, 10_000));
    assert.deepEqual(await action.reobserve(target), { kind: 'fault_holds' });
    const outcome = await action.execute(target, new RestartComponentParams(), AbortSignal.timeout(action.deadlineMs));
    assert.equal(outcome.result, 'container ddclient-box restarted');
    const afterRestart = await waitRunning(docker.docker, 'ddclient-box');
    assert.ok(Date.parse(afterRestart.State.StartedAt) > Date.parse(before.State.StartedAt), 'started again');
    assert.equal((await action.verify(target)).kind, 'pending');
    assert.deepEqual(await action.verify(target), { kind: 'passed', evidence: 'www.lab.test updated' });
  });

  it('given a target that names no runsAs, then it does not apply and is not watched', async () => {
    const action = new RestartComponent(specFor(Object.assign(new RunsAsConfig(), { container: 'x' }), [failing]), { restartContainer: () => assert.fail('ran'), restartUnit: () => assert.fail('ran') });
    assert.equal(action.appliesTo(targetOf('ddclient', 'other')), false);
    assert.equal((await action.reobserve(targetOf('ddclient', 'other'))).kind, 'not_watched');
  });
});

describe('restart of a component that runs as a systemd unit: argv and whitelist (a recording systemctl, no systemd)', () => {
  let dir: string;
  let systemctl: string;
  let calls: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'jarvis-systemctl-'));
    systemctl = join(dir, 'systemctl');
    calls = join(dir, 'calls.jsonl');
    // Records its argv; a unit named failing.service fails like systemctl does for a unit that cannot start.
    writeFileSync(
      systemctl,
      `#!${process.execPath}\nconst args = process.argv.slice(2);\nrequire('node:fs').appendFileSync(${JSON.stringify(calls)}, JSON.stringify(args) + '\\n');\nif (args.includes('failing.service')) { console.error('Job for failing.service failed.'); process.exit(1); }\n`,
    );
    chmodSync(systemctl, 0o755);
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  const recorded = () => (existsSync(calls) ? readFileSync(calls, 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as string[]) : []);
  const restarts = () => new ComponentRestarts({ restart: () => assert.fail('no container here') } as never, 10_000);

  it('runs `systemctl -- restart <unit>`: the verb and the unit are operands after --', async () => {
    const runsAs = Object.assign(new RunsAsConfig(), { systemdUnit: 'ddclient.service', systemctl });
    const action = new RestartComponent(specFor(runsAs, [failing]), restarts());
    const outcome = await action.execute(target, new RestartComponentParams(), AbortSignal.timeout(10_000));
    assert.equal(outcome.result, 'systemd unit ddclient.service restarted');
    assert.deepEqual(recorded().at(-1), ['--', 'restart', 'ddclient.service']);
  });

  it('given systemctl failing, then the action fails with its exit code and message', async () => {
    await assert.rejects(restarts().restartUnit({ systemctl, unit: 'failing.service' }, AbortSignal.timeout(10_000)), /systemctl restart failing\.service exited with 1: Job for failing\.service failed\./);
  });

  it('refuses unit names that could be read as options or hold control characters, running nothing', async () => {
    const before = recorded().length;
    for (const unit of ['--help', '-x.service', 'a\nb.service', 'a\0b.service']) {
      await assert.rejects(restarts().restartUnit({ systemctl, unit }, AbortSignal.timeout(10_000)), (error: Error) => error instanceof CommandRefusedError, JSON.stringify(unit));
    }
    await assert.rejects(restarts().restartUnit({ systemctl: '/usr/bin/not-a-systemctl', unit: 'ddclient.service' }, AbortSignal.timeout(10_000)), /not-a-systemctl is not installed/);
    assert.equal(recorded().length, before, 'nothing ran');
  });
});
