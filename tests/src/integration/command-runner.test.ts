import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { argumentProblem, CommandRefusedError, CommandRunner, flag, operand, subcommand, value } from '@jarvis/command-runner';
import { hostileCorpus } from '../support/hostile-corpus.js';

const SECRET = 'Canary-7f3a9c/secret+value=';
const ENV = { PATH: '/usr/bin:/bin' };

describe('CommandRunner with a real program that records its argv', () => {
  let dir: string;
  let recorder: string;
  let record: string;
  let pwned: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'jarvis-command-runner-'));
    recorder = join(dir, 'record-argv');
    record = join(dir, 'argv.bin');
    pwned = join(dir, 'pwned');
    writeFileSync(recorder, '#!/bin/sh\nprintf \'%s\\0\' "$@" > "$RECORD"\n');
    chmodSync(recorder, 0o755);
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  function recorded(): string[] | null {
    if (!existsSync(record)) return null;
    const parts = readFileSync(record, 'utf8').split('\0');
    parts.pop();
    rmSync(record);
    return parts;
  }

  it('passes every allowed hostile argument through literally and runs nothing for a refused one', async () => {
    const corpus = hostileCorpus(pwned);
    assert.ok(corpus.length >= 100, `corpus has ${corpus.length} entries`);
    const runner = new CommandRunner({ programs: [{ path: recorder, endOfOptions: true }], env: { ...ENV, RECORD: record } });
    let passed = 0;
    let refused = 0;
    for (const hostile of corpus) {
      for (const [argument, expected] of [
        [value('host', hostile), ['-x', hostile]],
        [operand('host', hostile), ['-x', '--', hostile]],
      ] as const) {
        const run = runner.run({ program: recorder, args: [flag('-x'), argument], timeoutMs: 10_000 });
        if (argumentProblem(argument) === null) {
          const result = await run;
          assert.equal(result.exitCode, 0, JSON.stringify(hostile));
          assert.deepEqual(recorded(), expected, JSON.stringify(hostile));
          passed += 1;
        } else {
          await assert.rejects(run, (error: Error) => error instanceof CommandRefusedError && /host/.test(error.message), JSON.stringify(hostile));
          assert.equal(recorded(), null, `refused ${JSON.stringify(hostile)} still ran`);
          refused += 1;
        }
      }
    }
    assert.equal(existsSync(pwned), false, 'an injection ran a command');
    assert.deepEqual(readdirSync(dir).sort(), ['record-argv']);
    assert.ok(passed > 20 && refused > 40, `passed ${passed}, refused ${refused}`);
  });

  it('puts a subcommand first, before the flags, and refuses one anywhere else or one from the hostile corpus', async () => {
    const runner = new CommandRunner({ programs: [{ path: recorder, endOfOptions: false }], env: { ...ENV, RECORD: record } });
    const run = (args: Parameters<typeof runner.run>[0]['args']) => runner.run({ program: recorder, args, timeoutMs: 10_000 });
    assert.equal((await run([subcommand('validate'), flag('--config'), value('caddyfile', '/etc/caddy/Caddyfile')])).exitCode, 0);
    assert.deepEqual(recorded(), ['validate', '--config', '/etc/caddy/Caddyfile']);
    await assert.rejects(run([flag('--config'), subcommand('validate')]), /subcommand validate must come first/);
    const refused = hostileCorpus(pwned).filter((hostile) => argumentProblem(subcommand(hostile)) !== null);
    for (const hostile of refused) await assert.rejects(run([subcommand(hostile)]), CommandRefusedError, JSON.stringify(hostile).slice(0, 80));
    assert.equal(recorded(), null, 'a refused subcommand ran');
    assert.ok(refused.length >= 100, `${refused.length} hostile subcommands refused`);
    assert.equal(existsSync(pwned), false);
  });

  it('refuses a program off the whitelist and a whitelisted program that is missing, naming it', async () => {
    const runner = new CommandRunner({ programs: [{ path: recorder, endOfOptions: true }], env: ENV });
    await assert.rejects(runner.run({ program: '/bin/sh', args: [], timeoutMs: 1000 }), /program "\/bin\/sh" is not on the whitelist/);
    assert.throws(() => new CommandRunner({ programs: [{ path: join(dir, 'missing-tool'), endOfOptions: false }], env: ENV }), /program .*missing-tool is not installed \(ENOENT\)/);
    assert.throws(() => new CommandRunner({ programs: [{ path: 'sleep', endOfOptions: false }], env: ENV }), /must be an absolute path/);
  });

  it('gives the command only the environment it was given', async () => {
    const printer = join(dir, 'print-env');
    writeFileSync(printer, '#!/bin/sh\n/usr/bin/env\n');
    chmodSync(printer, 0o755);
    process.env['JARVIS_TEST_INHERITED_SECRET'] = SECRET;
    try {
      const runner = new CommandRunner({ programs: [{ path: printer, endOfOptions: false }], env: ENV });
      const result = await runner.run({ program: printer, args: [], env: { EXTRA: 'yes' }, timeoutMs: 10_000 });
      const names = result.stdout.trim().split('\n').map((line) => line.split('=')[0]).filter((name) => name !== 'PWD' && name !== 'SHLVL' && name !== '_');
      assert.deepEqual(names.sort(), ['EXTRA', 'PATH']);
    } finally {
      delete process.env['JARVIS_TEST_INHERITED_SECRET'];
      rmSync(printer);
    }
  });
});

/** Gone or a zombie (killed, waiting for init to reap it); polled, bounded. */
async function goneWithin(pid: number, ms: number): Promise<boolean> {
  for (let waited = 0; waited <= ms; waited += 50) {
    try {
      if (readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.startsWith('Z')) return true;
    } catch {
      return true;
    }
    await sleep(50);
  }
  return false;
}

describe('CommandRunner timeouts', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'jarvis-command-timeout-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('stops a real sleep with SIGTERM when it overruns its timeout', async () => {
    const runner = new CommandRunner({ programs: [{ path: '/usr/bin/sleep', endOfOptions: true }], env: ENV });
    const result = await runner.run({ program: '/usr/bin/sleep', args: [operand('seconds', '30')], timeoutMs: 300 });
    assert.equal(result.timedOut, true);
    assert.equal(result.signal, 'SIGTERM');
  });

  it('kills with SIGKILL after the grace a process group that ignores SIGTERM, grandchildren included', async () => {
    const stubborn = join(dir, 'stubborn');
    const pidFile = join(dir, 'grandchild.pid');
    writeFileSync(stubborn, `#!/bin/sh\ntrap '' TERM\n/usr/bin/sleep 30 &\necho $! > ${pidFile}\nwait\n`);
    chmodSync(stubborn, 0o755);
    const runner = new CommandRunner({ programs: [{ path: stubborn, endOfOptions: false }], env: ENV, killGraceMs: 300 });
    const result = await runner.run({ program: stubborn, args: [], timeoutMs: 300 });
    assert.equal(result.timedOut, true);
    assert.equal(result.signal, 'SIGKILL');
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    const gone = await goneWithin(grandchild, 5000);
    if (!gone) process.kill(grandchild, 'SIGKILL');
    assert.ok(gone, `grandchild ${grandchild} still runs`);
  });

  it('stops a run when its signal aborts', async () => {
    const runner = new CommandRunner({ programs: [{ path: '/usr/bin/sleep', endOfOptions: true }], env: ENV });
    const result = await runner.run({ program: '/usr/bin/sleep', args: [operand('seconds', '30')], timeoutMs: 30_000, signal: AbortSignal.timeout(200) });
    assert.equal(result.aborted, true);
    assert.equal(result.timedOut, false);
  });
});

describe('CommandRunner redaction', () => {
  let dir: string;
  let talker: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'jarvis-command-redact-'));
    talker = join(dir, 'talker');
    const b64 = Buffer.from(SECRET).toString('base64');
    writeFileSync(talker, `#!/bin/sh\necho "raw ${SECRET} b64 ${b64} url ${encodeURIComponent(SECRET)}"\necho "err ${SECRET}" >&2\nhead -c 200000 /dev/zero | tr '\\\\0' x\necho "${SECRET}"\nexit 3\n`);
    chmodSync(talker, 0o755);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('redacts the secret and its encodings from stdout and stderr, and bounds the output', async () => {
    const runner = new CommandRunner({ programs: [{ path: talker, endOfOptions: false }], env: ENV, secrets: [SECRET], outputLimitBytes: 4096 });
    const result = await runner.run({ program: talker, args: [], timeoutMs: 10_000 });
    assert.equal(result.exitCode, 3);
    assert.equal(result.truncated, true);
    assert.ok(Buffer.byteLength(result.stdout) <= 4096);
    assert.match(result.stdout, /^raw \*\*\* b64 \*\*\* url \*\*\*\n/);
    assert.equal(result.stderr, 'err ***\n');
    for (const out of [result.stdout, result.stderr]) {
      assert.ok(!out.includes(SECRET) && !out.includes(Buffer.from(SECRET).toString('base64')) && !out.includes(encodeURIComponent(SECRET)));
    }
  });

  it('redacts a secret known only to one run, and secrets in errors', async () => {
    const runner = new CommandRunner({ programs: [{ path: talker, endOfOptions: false }], env: ENV });
    const result = await runner.run({ program: talker, args: [], timeoutMs: 10_000, secrets: [SECRET] });
    assert.equal(result.stderr, 'err ***\n');
    await assert.rejects(runner.run({ program: talker, args: [flag(`--${SECRET}`)], timeoutMs: 1000, secrets: [SECRET] }), (error: Error) => !error.message.includes(SECRET.slice(0, 20)) && /\*\*\*/.test(error.message));
  });
});
