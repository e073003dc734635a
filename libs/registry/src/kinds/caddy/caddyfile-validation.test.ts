import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ProbeFinding } from '../../scheduled-probe.js';
import type { CaddyRun } from './caddy-port.js';
import { judgeCaddyfileValidation } from './caddyfile-validation.js';

const FILE = '/etc/caddy/Caddyfile';
const LOG = '{"level":"info","ts":1795917264.13,"msg":"using provided configuration","config_file":"/etc/caddy/Caddyfile","config_adapter":"caddyfile"}';

describe('judgeCaddyfileValidation: the exit status of caddy validate and its error line', () => {
  const table: Array<{ given: string; run: CaddyRun; finding: ProbeFinding }> = [
    { given: 'exit 0', run: { exitCode: 0, stdout: 'Valid configuration\n', stderr: `${LOG}\n`, timedOut: false }, finding: { status: 'ok', reason: 'caddy validate: /etc/caddy/Caddyfile is valid' } },
    {
      given: 'an unknown subdirective',
      run: { exitCode: 1, stdout: '', stderr: `${LOG}\nError: adapting config using caddyfile: parsing caddyfile tokens for 'reverse_proxy': Caddyfile:3 - Error during parsing: unrecognized subdirective bogus\n`, timedOut: false },
      finding: { status: 'failed', reason: "caddy validate of /etc/caddy/Caddyfile exited 1: adapting config using caddyfile: parsing caddyfile tokens for 'reverse_proxy': Caddyfile:3 - Error during parsing: unrecognized subdirective bogus" },
    },
    {
      given: 'a failure with no Error: line',
      run: { exitCode: 1, stdout: '', stderr: `${LOG}\npanic: something odd\n`, timedOut: false },
      finding: { status: 'failed', reason: 'caddy validate of /etc/caddy/Caddyfile exited 1: panic: something odd' },
    },
    { given: 'only JSON logs', run: { exitCode: 2, stdout: '', stderr: LOG, timedOut: false }, finding: { status: 'failed', reason: 'caddy validate of /etc/caddy/Caddyfile exited 2: no error message' } },
    { given: 'a kill by the deadline', run: { exitCode: null, stdout: '', stderr: '', timedOut: true }, finding: { status: 'failed', reason: 'caddy validate of /etc/caddy/Caddyfile did not finish in time' } },
    { given: 'a kill by a signal', run: { exitCode: null, stdout: '', stderr: 'Error: interrupted', timedOut: false }, finding: { status: 'failed', reason: 'caddy validate of /etc/caddy/Caddyfile exited on a signal: interrupted' } },
  ];
  for (const row of table) {
    it(`given ${row.given}, then ${row.finding.status}`, () => assert.deepEqual(judgeCaddyfileValidation(row.run, FILE), row.finding));
  }

  it('given a very long error, then the reason is capped', () => {
    const finding = judgeCaddyfileValidation({ exitCode: 1, stdout: '', stderr: `Error: ${'x'.repeat(5000)}`, timedOut: false }, FILE);
    assert.equal(finding.reason, `caddy validate of ${FILE} exited 1: ${'x'.repeat(500)}`);
  });
});
