import { execFile } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, spawnTracked, waitFor, type TrackedProcess } from './processes.js';

const run = promisify(execFile);

/** A bind9 authoritative for one zone on loopback, taking RFC 2136 updates signed with one TSIG key. */
export type TsigNamed = {
  readonly port: number;
  readonly zone: string;
  readonly keyName: string;
  /** tsig-keygen's output, mode 0600. */
  readonly keyFile: string;
  /** The A records of `name` as this server answers now. */
  addresses(name: string): Promise<string[]>;
  stop(): Promise<void>;
};

/**
 * Starts `named -g` in the foreground in `dir` and waits until it runs; stopped by its PID. The lead will move this
 * onto the shared lab (tests/src/lab/).
 */
export async function startTsigNamed(dir: string, zone = 'lab.test', keyName = 'lab-key'): Promise<TsigNamed> {
  const port = await freePort();
  const keyFile = join(dir, `${keyName}.key`);
  writeFileSync(keyFile, (await run('tsig-keygen', ['-a', 'hmac-sha256', keyName], { timeout: 10_000 })).stdout);
  chmodSync(keyFile, 0o600);
  writeFileSync(join(dir, `${zone}.zone`), `$TTL 60\n@ IN SOA ns.${zone}. admin.${zone}. 1 60 60 600 60\n@ IN NS ns.${zone}.\nns IN A 127.0.0.1\n`);
  const conf = join(dir, 'named.conf');
  writeFileSync(
    conf,
    [
      `options { directory "${dir}"; listen-on port ${port} { 127.0.0.1; }; listen-on-v6 { none; }; recursion no;`,
      `  pid-file "${join(dir, 'named.pid')}"; session-keyfile "${join(dir, 'session.key')}"; };`,
      `include "${keyFile}";`,
      `zone "${zone}" { type primary; file "${join(dir, `${zone}.zone`)}"; update-policy { grant ${keyName} zonesub ANY; }; };`,
      '',
    ].join('\n'),
  );
  const named: TrackedProcess = spawnTracked('named', ['-c', conf, '-g', '-p', String(port)], { logFile: join(dir, 'named.log') });
  try {
    await waitFor('named to load its zone and run', () => named.log().includes('running'), 20_000);
  } catch (error) {
    await named.stop();
    throw error;
  }
  return {
    port,
    zone,
    keyName,
    keyFile,
    addresses: async (name) => {
      const { stdout } = await run('dig', ['@127.0.0.1', '-p', String(port), '+short', '+time=2', '+tries=1', 'A', name], { timeout: 10_000 });
      return stdout.split('\n').filter((line) => line !== '');
    },
    stop: async () => {
      await named.stop();
    },
  };
}
