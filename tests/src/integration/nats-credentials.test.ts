import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createAccount, createOperator, createUser, defaultNatsLimits, encodeAccount, encodeOperator, encodeUser, fmtCreds } from '@nats-io/jwt';
import { connect } from '@nats-io/transport-node';
import { natsClientOptionsFrom } from '@jarvis/service-kit';
import { JARVIS_BIN, REPO_ROOT } from '../support/jarvis-harness.js';
import { exitWithin, freePort, killAllTracked, spawnTracked, waitFor, type TrackedProcess } from '../support/processes.js';

const dir = mkdtempSync(join(tmpdir(), 'jarvis-nats-credentials-'));
const path = (name: string) => join(dir, name);

function openssl(...args: string[]): void {
  const result = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8', timeout: 30_000 });
  assert.equal(result.status, 0, result.stderr);
}

/** A CA, and a certificate it signed for `name` with the given extensions (EC keys: quick to make). */
function makeCa(name: string): void {
  openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '1', '-subj', `/CN=${name}`);
}

function makeCert(name: string, ca: string, extensions: string): void {
  writeFileSync(path(`${name}.ext`), `${extensions}\n`);
  openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
  openssl('x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}.key`, '-CAcreateserial', '-out', `${name}.pem`, '-days', '1', '-extfile', `${name}.ext`);
}

async function startServer(name: string, config: (port: number) => string): Promise<{ url: string; proc: TrackedProcess }> {
  const port = await freePort();
  writeFileSync(path(`${name}.conf`), config(port));
  const proc = spawnTracked('nats-server', ['-c', path(`${name}.conf`)], { logFile: path(`${name}.log`) });
  await waitFor(`${name} nats-server ready`, () => {
    if (proc.child.exitCode !== null) throw new Error(proc.log());
    return proc.log().includes('Server is ready');
  }, 10_000);
  return { url: `nats://127.0.0.1:${port}`, proc };
}

/** Connects once with what Jarvis would derive from `env`; resolves to 'connected' or the refusal. */
async function connectWith(env: NodeJS.ProcessEnv): Promise<string> {
  try {
    const nc = await connect({ ...natsClientOptionsFrom(env), maxReconnectAttempts: 0, timeout: 5_000 });
    await nc.flush();
    await nc.close();
    return 'connected';
  } catch (error) {
    return `refused: ${(error as Error).message}`;
  }
}

describe('NATS credentials and TLS against real nats-servers', { timeout: 180_000 }, () => {
  after(async () => {
    await killAllTracked();
  });

  it('TLS with a client certificate and a password file: Jarvis starts and answers over it; a foreign CA, no client certificate or a wrong password are refused', async () => {
    makeCa('ca');
    makeCa('other-ca');
    makeCert('server', 'ca', 'subjectAltName=IP:127.0.0.1,DNS:localhost');
    makeCert('client', 'ca', 'extendedKeyUsage=clientAuth');
    writeFileSync(path('gateway.password'), 'tls-gateway-password\n', { mode: 0o600 });
    writeFileSync(path('wrong.password'), 'not-it\n', { mode: 0o600 });
    const { url, proc } = await startServer('tls', (port) =>
      [
        `listen: 127.0.0.1:${port}`,
        `jetstream { store_dir: "${path('js')}" }`,
        `tls { cert_file: "${path('server.pem')}", key_file: "${path('server.key')}", ca_file: "${path('ca.pem')}", verify: true, timeout: 5 }`,
        'authorization { users = [ { user: "gateway", password: "tls-gateway-password" } ] }',
        '',
      ].join('\n'),
    );
    const tls = { NATS_URL: url, NATS_CA: path('ca.pem'), NATS_CERT: path('client.pem'), NATS_KEY: path('client.key') };
    const login = { NATS_USER: 'gateway', NATS_PASSWORD_FILE: path('gateway.password') };
    assert.equal(await connectWith({ ...tls, ...login }), 'connected');
    assert.match(await connectWith({ ...tls, ...login, NATS_CA: path('other-ca.pem') }), /^refused: .*(certificate|verify)/i);
    assert.match(await connectWith({ NATS_URL: url, NATS_CA: path('ca.pem'), ...login }), /^refused/);
    assert.match(await connectWith({ ...tls, ...login, NATS_PASSWORD_FILE: path('wrong.password') }), /^refused: .*authoriz/i);

    const httpPort = await freePort();
    const jarvis = spawnTracked(process.execPath, [JARVIS_BIN, 'start', '--target', 'gateway'], {
      env: { ...process.env, ...tls, ...login, JARVIS_HTTP_PORT: String(httpPort), JARVIS_DATA_DIR: path('data') },
      logFile: path('jarvis.log'),
      cwd: REPO_ROOT,
    });
    await waitFor('jarvis over TLS to start', () => {
      if (jarvis.child.exitCode !== null) throw new Error(jarvis.log());
      return jarvis.log().includes('started gateway');
    }, 30_000);
    const status = (await (await fetch(`http://127.0.0.1:${httpPort}/api/jarvis/status`)).json()) as { services: { service: string; status: string }[] };
    assert.equal(status.services.find((s) => s.service === 'gateway')?.status, 'up', 'its own health request went out and came back over TLS');
    assert.match(jarvis.log(), /as user gateway/);
    assert.ok(!jarvis.log().includes('tls-gateway-password'));
    assert.equal(await jarvis.stop('SIGTERM', 20_000), 0, jarvis.log());

    const refused = spawnTracked(process.execPath, [JARVIS_BIN, 'start', '--target', 'gateway'], {
      env: { ...process.env, ...tls, ...login, NATS_PASSWORD_FILE: path('wrong.password'), JARVIS_HTTP_PORT: String(httpPort), JARVIS_DATA_DIR: path('data') },
      logFile: path('jarvis-refused.log'),
      cwd: REPO_ROOT,
    });
    const code = await exitWithin(refused, 30_000);
    if (code === 'running') await refused.kill9();
    assert.equal(code, 2, refused.log());
    assert.match(refused.log(), /jarvis: NATS_URL: cannot connect to nats:\/\/127\.0\.0\.1:\d+ as user gateway \(.*[Aa]uthorization/);
    assert.ok(!refused.log().includes('not-it'), 'the password is not in the log');
    await proc.stop();
  });

  it('a creds file (decentralized auth) logs in; the creds of an account the server does not know are refused', async () => {
    const operator = createOperator();
    const account = createAccount();
    const stranger = createAccount();
    const operatorJwt = await encodeOperator('jarvis-test', operator);
    // Unlimited: the library's default account allows no connection and no subscription at all.
    const unlimited = { ...defaultNatsLimits(), imports: -1, exports: -1, wildcards: true, conn: -1, leaf: -1, disallow_bearer: false };
    const accountJwt = await encodeAccount('JARVIS', account, { limits: unlimited }, { signer: operator });
    const credsOf = async (issuer: ReturnType<typeof createAccount>, file: string) => {
      const user = createUser();
      writeFileSync(path(file), fmtCreds(await encodeUser('monitor', user, issuer), user), { mode: 0o600 });
      return path(file);
    };
    const { url, proc } = await startServer('operator-mode', (port) =>
      [`listen: 127.0.0.1:${port}`, `operator: ${operatorJwt}`, 'resolver: MEMORY', `resolver_preload: { ${account.getPublicKey()}: ${accountJwt} }`, ''].join('\n'),
    );
    assert.equal(await connectWith({ NATS_URL: url, NATS_CREDS: await credsOf(account, 'monitor.creds') }), 'connected');
    assert.match(await connectWith({ NATS_URL: url, NATS_CREDS: await credsOf(stranger, 'stranger.creds') }), /^refused: .*authoriz/i);
    assert.match(await connectWith({ NATS_URL: url }), /^refused: .*authoriz/i);
    await proc.stop();
  });
});
