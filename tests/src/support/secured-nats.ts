import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { REPO_ROOT } from './jarvis-harness.js';
import { freePort, spawnTracked, waitFor, type TrackedProcess } from './processes.js';

export type SecuredNats = {
  url: string;
  dir: string;
  proc: TrackedProcess;
  passwordFile(identity: string): string;
  /** The environment a Jarvis process logs in with as `identity` (NATS_USER, NATS_PASSWORD_FILE). */
  envOf(identity: string): NodeJS.ProcessEnv;
  connectAs(identity: string): Promise<NatsConnection>;
  /** The server's log lines reporting a permission violation. */
  violations(): string[];
  stop(): Promise<void>;
};

/**
 * A real nats-server with JetStream running the committed identities (infra/nats/identities.conf) and passwords
 * made by tools/nats-secrets.mjs, on a free loopback port.
 */
export async function startSecuredNats(): Promise<SecuredNats> {
  const dir = mkdtempSync(join(tmpdir(), 'jarvis-secured-nats-'));
  copyFileSync(join(REPO_ROOT, 'infra', 'nats', 'identities.conf'), join(dir, 'identities.conf'));
  const secrets = join(dir, 'secrets');
  const made = spawnSync(process.execPath, [join(REPO_ROOT, 'tools', 'nats-secrets.mjs'), '--dir', secrets], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000 });
  if (made.status !== 0) throw new Error(`tools/nats-secrets.mjs failed: ${made.stderr}`);
  const port = await freePort();
  writeFileSync(join(dir, 'server.conf'), `listen: 127.0.0.1:${port}\njetstream { store_dir: "${join(dir, 'js')}" }\ninclude ./identities.conf\n`);
  const proc = spawnTracked('nats-server', ['-c', join(dir, 'server.conf')], { logFile: join(dir, 'nats.log') });
  await waitFor('secured nats-server ready', () => {
    if (proc.child.exitCode !== null) throw new Error(`nats-server exited with ${proc.child.exitCode}:\n${proc.log()}`);
    return proc.log().includes('Server is ready');
  }, 10_000);
  const url = `nats://127.0.0.1:${port}`;
  const passwordFile = (identity: string) => join(secrets, `${identity}.password`);
  return {
    url,
    dir,
    proc,
    passwordFile,
    envOf: (identity) => ({ NATS_USER: identity, NATS_PASSWORD_FILE: passwordFile(identity) }),
    connectAs: async (identity) => {
      return connect({ servers: [url], user: identity, pass: readFileSync(passwordFile(identity), 'utf8').trim(), inboxPrefix: `_INBOX_${identity}` });
    },
    violations: () => proc.log().split('\n').filter((line) => /Violation/i.test(line)),
    stop: async () => {
      await proc.stop();
    },
  };
}
