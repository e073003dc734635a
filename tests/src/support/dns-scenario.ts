import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import type { CheckResultView, DiagnoseReply, JarvisEvent, JarvisEventOf } from '@jarvis/contracts';
import { RESTORE_DDCLIENT_CREDENTIALS } from '@jarvis/registry';
import { startEdgeLab, type EdgeLab } from '../lab/edge-lab.js';
import type { Shape } from './jarvis-harness.js';
import { useLab, type Lab } from './lab.js';
import { OtlpReceiver } from './otlp-receiver.js';
import { waitFor } from './processes.js';

export const DDCLIENT = 'ddclient:lab';
export const CADDY = 'caddy:lab';
export const TLS = 'tls_certificate:www';

export type Setup = { log: string; backups: string; caDir: string; canaries: string[] };

function configFor(edge: EdgeLab, setup: Setup): string {
  const host = edge.hosts[0]!;
  const caFile = join(setup.caDir, 'pebble-root.pem');
  return `
ddclient:
  name: lab
  config: ${edge.paths.ddclientConf}
  log: ${setup.log}
  cache: ${edge.paths.ddclientCache}
  intervalSeconds: 10
  runTimeoutSeconds: 30
configEditor:
  allowedPaths: [${edge.paths.ddclientConf}]
  backupFolder: ${setup.backups}
dns:
  records:
    - domain: ${host}
      expectedFrom: ddclient
      authoritative: ["127.0.0.1:${edge.ports.dns}"]
      resolvers: ["127.0.0.1:${edge.ports.resolver}"]
      timeoutMs: 500
      tries: 1
      intervalSeconds: 5
tls:
  extraCaFolders: [${setup.caDir}]
  endpoints:
    - name: www
      host: ${host}
      address: 127.0.0.1
      port: ${edge.ports.https}
      caFile: ${caFile}
      timeoutMs: 2000
      intervalSeconds: 5
extraCaddyfileFolders: [${edge.paths.dir}]
caddy:
  - name: lab
    adminPort: ${edge.ports.caddyAdmin}
    caddyfile: ${edge.paths.caddyfile}
    httpsAddress: 127.0.0.1
    httpsPort: ${edge.ports.https}
    caFile: ${caFile}
    timeoutMs: 2000
    intervalSeconds: 5
probes:
  failuresBeforeDetection: 1
  passesBeforeRecovery: 1
policy:
  approvalExpirySeconds: 600
`;
}

/** What ddclient's own scheduled run leaves in the log the check reads. */
async function scheduledRun(edge: EdgeLab, log: string): Promise<void> {
  const run = await edge.runDdclient();
  writeFileSync(log, `${readFileSync(log, 'utf8')}${run.output}\n`);
}

/**
 * Secrets that must never leave ddclient.conf: a comment, and a retired host's password left commented out. Planted
 * before the known-good copy is taken, so the copy, the backup and the restore all carry them.
 */
function plantCanaries(edge: EdgeLab): string[] {
  const canaries = [`canary-${randomBytes(12).toString('hex')}`, `canary-${randomBytes(12).toString('hex')}`];
  const conf = readFileSync(edge.paths.ddclientConf, 'utf8');
  writeFileSync(edge.paths.ddclientConf, `# note for the admins: ${canaries[0]}\n${conf}# retired host old.${edge.zone}: password=${canaries[1]}\n`, { mode: 0o600 });
  return canaries;
}

/** `lab.breakSecret('config')` on the file as it is now (the lab's own copy predates the canaries). */
function breakSecretInConfig(edge: EdgeLab): void {
  const conf = readFileSync(edge.paths.ddclientConf, 'utf8');
  writeFileSync(edge.paths.ddclientConf, conf.replace(`password=${edge.paths.ddclientKey}`, `password=${edge.paths.ddclientTypoKey}`), { mode: 0o600 });
}

export async function api(lab: Lab, method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const token = readFileSync(join(lab.jarvis.dir, 'api-token'), 'utf8').trim();
  const reply = await fetch(`http://127.0.0.1:${lab.jarvis.httpPort}/api/jarvis${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: reply.status, body: await reply.json() };
}

/** Every check run now, by the monitor (POST /api/jarvis/diagnose). */
export async function diagnosed(lab: Lab, target: string): Promise<CheckResultView | undefined> {
  const response = await fetch(`http://127.0.0.1:${lab.jarvis.httpPort}/api/jarvis/diagnose`, { method: 'POST', signal: AbortSignal.timeout(40_000) });
  return ((await response.json()) as DiagnoseReply).results.find((r) => r.target === target);
}

export function labSecrets(edge: EdgeLab): string[] {
  return [edge.paths.ddclientKey, edge.paths.ddclientTypoKey, edge.paths.tsigKey].map((file) => /secret "([^"]+)"/.exec(readFileSync(file, 'utf8'))![1]!);
}

export function first<T extends JarvisEvent['type']>(incident: JarvisEvent[], type: T, wanted: (e: JarvisEventOf<T>) => boolean = () => true): JarvisEventOf<T> | undefined {
  return incident.find((e): e is JarvisEventOf<T> => e.type === type && wanted(e as JarvisEventOf<T>));
}

/** The edge lab and Jarvis with the scenario's configuration, as the hooks of the enclosing `describe` set them up. */
export type DnsScenario = {
  lab: Lab;
  edge(): EdgeLab;
  setup: Setup;
  otlp: OtlpReceiver;
  /** ddclient publishing: a known-good copy is kept and the certificate passes, trusted through tls.extraCaFolders. */
  healthy(): Promise<void>;
  /**
   * ddclient.conf gets a mistyped secret and the record is gone; Caddy restarts without certificates and its first
   * order fails. Resolves with the credential restore's approval request once the policy asks for it.
   */
  breakSecret(): Promise<JarvisEventOf<'ApprovalRequested'>>;
  /** Grants `request` over the HTTP API, naming its digest. */
  grant(request: JarvisEventOf<'ApprovalRequested'>): Promise<void>;
};

/** `extraConfig`: more jarvis.yaml sections, appended to the scenario's. */
export function useDnsScenario(shape: Shape, name: string, extraConfig = ''): DnsScenario {
  let edge: EdgeLab;
  const setup: Setup = { log: '', backups: '', caDir: '', canaries: [] };
  const otlp = new OtlpReceiver();
  const env: NodeJS.ProcessEnv = {};
  const lab = useLab(shape, () => `${configFor(edge, setup)}${extraConfig}`, {
    env,
    beforeJarvis: async () => {
      edge = await startEdgeLab({ dir: mkdtempSync(join(tmpdir(), `jarvis-${name}-`)) });
      setup.log = join(edge.paths.dir, 'ddclient.log');
      setup.backups = mkdtempSync(join(tmpdir(), `jarvis-${name}-backups-`));
      setup.caDir = mkdtempSync(join(tmpdir(), `jarvis-${name}-ca-`));
      writeFileSync(join(setup.caDir, 'pebble-root.pem'), await edge.pebbleRoot());
      writeFileSync(setup.log, '');
      setup.canaries = plantCanaries(edge);
      await scheduledRun(edge, setup.log);
      await otlp.start();
      Object.assign(env, { OTEL_EXPORTER_OTLP_ENDPOINT: otlp.endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_BSP_SCHEDULE_DELAY: '200' });
    },
  });

  after(async () => {
    await otlp.stop();
    await edge?.stop();
  });

  return {
    lab,
    edge: () => edge,
    setup,
    otlp,
    healthy: async () => {
      await lab.explained(DDCLIENT, lab.reader.waitForEvent('ConfigKnownGoodRecorded', (e) => e.subject === DDCLIENT, 120_000));
      await waitFor('the certificate to pass its check', async () => (await diagnosed(lab, TLS))?.status === 'ok', 240_000, 5000);
    },
    breakSecret: async () => {
      const host = edge.hosts[0]!;
      const dns = `dns_record:${host}`;
      const since = new Date().toISOString();
      breakSecretInConfig(edge);
      await edge.deleteRecord(host);
      writeFileSync(edge.paths.ddclientCache, '');
      await scheduledRun(edge, setup.log);
      // Caddy loses its certificates only once the name fails: its retries then meet the missing record.
      await lab.explained(dns, lab.reader.waitForEvent('ConsequenceLinked', (e) => e.subject === dns && e.time >= since, 120_000));
      await edge.restartCaddyWithoutCertificates();
      // Its first order after the restart must have failed for want of the record: one that is still validating when
      // the restored record appears succeeds by itself, and there would be nothing left to remediate.
      await waitFor("Caddy's first order to fail", () => edge.processes.caddy.log().includes('"msg":"will retry"'), 60_000, 200);
      const wanted = (e: JarvisEventOf<'ApprovalRequested'>) => e.subject === DDCLIENT && e.data.action === RESTORE_DDCLIENT_CREDENTIALS && e.time >= since;
      return lab.explained(DDCLIENT, lab.reader.waitForEvent('ApprovalRequested', wanted, 180_000));
    },
    grant: async (request) => {
      const granted = await api(lab, 'POST', `/approvals/${request.id}/approve`, { by: 'test', digest: request.data.digest });
      assert.equal(granted.status, 202, JSON.stringify(granted.body));
    },
  };
}
