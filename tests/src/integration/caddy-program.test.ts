import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CaddyConfig } from '@jarvis/config';
import { LocalCaddy, runCaddy } from '@jarvis/caddy';

const CADDY = '/usr/bin/caddy';

describe('runCaddy and LocalCaddy: the real caddy through the shared command runner', { timeout: 60_000 }, () => {
  let dir: string;
  const write = (name: string, content: string, mode = 0o644): string => {
    const path = join(dir, name);
    writeFileSync(path, content, { mode });
    chmodSync(path, mode);
    return path;
  };

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'jarvis-caddy-program-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('validates and adapts a Caddyfile, and names the error of a broken one', async () => {
    const good = write('Caddyfile', 'http://127.0.0.1:18080 {\n\trespond "ok"\n}\n');
    const valid = await runCaddy({ binary: CADDY, command: 'validate', caddyfile: good, env: { HOME: dir }, timeoutMs: 20_000 });
    assert.deepEqual([valid.exitCode, valid.timedOut], [0, false], valid.stderr);
    const adapted = await runCaddy({ binary: CADDY, command: 'adapt', caddyfile: good, env: { HOME: dir }, timeoutMs: 20_000 });
    assert.ok((JSON.parse(adapted.stdout) as { apps: { http: unknown } }).apps.http, adapted.stdout);

    const broken = write('Broken', 'http://127.0.0.1:18080 {\n\trespnd "ok"\n}\n');
    const refused = await runCaddy({ binary: CADDY, command: 'validate', caddyfile: broken, env: { HOME: dir }, timeoutMs: 20_000 });
    assert.equal(refused.exitCode, 1);
    assert.match(refused.stderr, /unrecognized directive: respnd/);
  });

  it('passes the Caddyfile path as one argument after --config, so shell syntax in it is only a file name', async () => {
    const marker = join(dir, 'created-by-a-shell');
    const recorder = write('record-argv', `#!/bin/sh\nprintf '%s\\n' "$@" > ${join(dir, 'argv')}\n`, 0o755);
    const hostile = write(`$(touch ${marker.replaceAll('/', '_')}); touch x`, '');
    const run = await runCaddy({ binary: recorder, command: 'validate', caddyfile: hostile, env: {}, timeoutMs: 5000 });
    assert.equal(run.exitCode, 0, run.stderr);
    assert.deepEqual(readFileSync(join(dir, 'argv'), 'utf8').split('\n').slice(0, -1), ['validate', '--config', hostile, '--adapter', 'caddyfile']);
    assert.equal(existsSync(marker), false);
  });

  it('reports a missing binary, a deadline and a flood of output as failed runs, never as a crash', async () => {
    const missing = await runCaddy({ binary: join(dir, 'no-caddy'), command: 'validate', caddyfile: '/etc/caddy/Caddyfile', env: {}, timeoutMs: 5000 });
    assert.deepEqual([missing.exitCode, missing.timedOut], [null, false]);
    assert.match(missing.stderr, /no-caddy is not installed \(ENOENT\)/);

    const sleeper = write('sleeping-caddy', '#!/bin/sh\nexec sleep 30\n', 0o755);
    const late = await runCaddy({ binary: sleeper, command: 'validate', caddyfile: '/etc/caddy/Caddyfile', env: {}, timeoutMs: 300 });
    assert.deepEqual([late.exitCode, late.timedOut], [null, true]);

    const flood = write('flooding-caddy', '#!/bin/sh\nexec head -c 3000000 /dev/zero\n', 0o755);
    const cut = await runCaddy({ binary: flood, command: 'adapt', caddyfile: '/etc/caddy/Caddyfile', env: {}, timeoutMs: 10_000 });
    assert.deepEqual([cut.exitCode, cut.stdout], [null, '']);
    assert.match(cut.stderr, /caddy adapt wrote more than 1048576 bytes/);
  });

  it("LocalCaddy gives caddy none of Jarvis's environment but its home", async () => {
    const envDump = write('env-caddy', `#!/bin/sh\nenv > ${join(dir, 'env')}\n`, 0o755);
    const caddyfile = write('Caddyfile', '');
    process.env['JARVIS_CADDY_CANARY'] = 'canary-secret';
    try {
      const instance = Object.assign(new CaddyConfig(), { name: 'lab', caddyfile, binary: envDump, timeoutMs: 5000 });
      const run = await new LocalCaddy({ caddyfileDirs: [dir] }).validate(instance, AbortSignal.timeout(5000));
      assert.equal(run.exitCode, 0, run.stderr);
      const env = readFileSync(join(dir, 'env'), 'utf8');
      assert.doesNotMatch(env, /canary-secret|^PATH=/m);
      assert.match(env, /^HOME=/m);
    } finally {
      delete process.env['JARVIS_CADDY_CANARY'];
    }
  });
});
