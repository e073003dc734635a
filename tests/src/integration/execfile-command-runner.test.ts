import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ExecFileCommandRunner } from '@jarvis/caddy';

describe('ExecFileCommandRunner: real programs, argv only', { timeout: 60_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'jarvis-runner-'));
  const runner = new ExecFileCommandRunner(1000);
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('runs caddy and captures its output and exit status', async () => {
    const result = await new ExecFileCommandRunner().run('/usr/bin/caddy', ['version'], { timeoutMs: 10_000 });
    assert.deepEqual([result.exitCode, result.timedOut], [0, false]);
    assert.match(result.stdout, /^v?2\.6/);
  });

  it('passes arguments as they are: shell syntax is not interpreted', async () => {
    const marker = join(dir, 'created-by-a-shell');
    const argument = `$(touch ${marker}); touch ${marker} | \`touch ${marker}\``;
    const result = await runner.run('/bin/echo', [argument], { timeoutMs: 5000 });
    assert.deepEqual([result.exitCode, result.stdout], [0, `${argument}\n`]);
    assert.equal(existsSync(marker), false);
  });

  it('refuses a program that is not an absolute path', async () => {
    await assert.rejects(runner.run('caddy', ['version'], { timeoutMs: 5000 }), /program caddy: must be an absolute path/);
  });

  it('kills a program at its deadline', async () => {
    const result = await runner.run('/bin/sleep', ['30'], { timeoutMs: 300 });
    assert.deepEqual([result.exitCode, result.timedOut], [null, true]);
  });

  it('stops a program that writes more than the cap, keeping at most the cap', async () => {
    const result = await runner.run('/usr/bin/head', ['-c', '100000', '/dev/zero'], { timeoutMs: 5000 });
    assert.deepEqual([result.exitCode, result.timedOut], [null, false]);
    assert.ok(result.stdout.length <= 1000, `kept ${result.stdout.length} characters`);
    assert.match(result.stderr, /Error: \/usr\/bin\/head wrote more than 1000 bytes and was stopped/);
  });

  it('reports the exit status of a failing program and a program that does not exist', async () => {
    assert.equal((await runner.run('/bin/false', [], { timeoutMs: 5000 })).exitCode, 1);
    const missing = await runner.run(join(dir, 'no-such-program'), [], { timeoutMs: 5000 });
    assert.deepEqual([missing.exitCode, missing.timedOut], [null, false]);
    assert.match(missing.stderr, /could not run \(ENOENT\)/);
  });

  it("gives the program none of Jarvis's environment but its home", async () => {
    process.env.JARVIS_RUNNER_CANARY = 'canary-secret';
    try {
      const result = await runner.run('/usr/bin/env', [], { timeoutMs: 5000 });
      assert.doesNotMatch(result.stdout, /canary-secret|^PATH=/m);
    } finally {
      delete process.env.JARVIS_RUNNER_CANARY;
    }
  });
});
