import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CheckResultView, DiagnoseReply, JarvisEventOf } from '@jarvis/contracts';
import type { JarvisDeployment } from '../support/jarvis-harness.js';
import { waitFor } from '../support/processes.js';
import type { EdgeLab } from './edge-lab.js';

/**
 * The pieces of the original DNS failure scenario (a mistyped ddclient secret, the record gone, Caddy without its
 * certificate) shared by its end-to-end test and its benchmark, so both run the same Jarvis config and the same steps.
 */
export const SCENARIO_DDCLIENT = 'ddclient:lab';
export const SCENARIO_CADDY = 'caddy:lab';
export const SCENARIO_TLS = 'tls_certificate:www';

/** Files Jarvis reads beside the lab: ddclient's log (its scheduled runs), the editor's backups, pebble's root. */
export type ScenarioFiles = { log: string; backups: string; caDir: string };

/** The intervals of the scenario's checks, in seconds: the Jarvis config below and the benchmark's method both name them. */
export const SCENARIO_INTERVALS = { ddclientSeconds: 10, dnsSeconds: 5, tlsSeconds: 5, caddySeconds: 5 } as const;

/** Creates the files Jarvis needs beside a started lab and trusts pebble's current root through `tls.extraCaFolders`. */
export async function prepareScenarioFiles(edge: EdgeLab, prefix: string): Promise<ScenarioFiles> {
  const files: ScenarioFiles = {
    log: join(edge.paths.dir, 'ddclient.log'),
    backups: mkdtempSync(join(tmpdir(), `${prefix}-backups-`)),
    caDir: mkdtempSync(join(tmpdir(), `${prefix}-ca-`)),
  };
  writeFileSync(join(files.caDir, 'pebble-root.pem'), await edge.pebbleRoot());
  writeFileSync(files.log, '');
  return files;
}

/**
 * Jarvis's config for the scenario. `policyLines` go under `policy:` as they are (YAML, indented by two): the
 * benchmark raises the breaker there, which would otherwise stop acting on ddclient at its third run in ten minutes.
 * `intervals`: the checks' intervals, when a test needs others than the scenario's.
 */
export function scenarioConfig(edge: EdgeLab, files: ScenarioFiles, policyLines: string[] = [], intervals: Record<keyof typeof SCENARIO_INTERVALS, number> = SCENARIO_INTERVALS): string {
  const host = edge.hosts[0]!;
  const caFile = join(files.caDir, 'pebble-root.pem');
  return `${ddclientOnlyConfig(edge, files, { intervalSeconds: intervals.ddclientSeconds })}${policyLines.map((line) => `  ${line}\n`).join('')}dns:
  records:
    - domain: ${host}
      expectedFrom: ddclient
      authoritative: ["127.0.0.1:${edge.ports.dns}"]
      resolvers: ["127.0.0.1:${edge.ports.resolver}"]
      timeoutMs: 500
      tries: 1
      intervalSeconds: ${intervals.dnsSeconds}
tls:
  extraCaFolders: [${files.caDir}]
  endpoints:
    - name: www
      host: ${host}
      address: 127.0.0.1
      port: ${edge.ports.https}
      caFile: ${caFile}
      timeoutMs: 2000
      intervalSeconds: ${intervals.tlsSeconds}
extraCaddyfileFolders: [${edge.paths.dir}]
caddy:
  - name: lab
    adminPort: ${edge.ports.caddyAdmin}
    caddyfile: ${edge.paths.caddyfile}
    httpsAddress: 127.0.0.1
    httpsPort: ${edge.ports.https}
    caFile: ${caFile}
    timeoutMs: 2000
    intervalSeconds: ${intervals.caddySeconds}
`;
}

/** What ddclient's own scheduled run (or, with `force`, a person's `ddclient -force`) leaves in the log the check reads. */
export async function scheduledRun(edge: EdgeLab, log: string, force = false): Promise<void> {
  const run = await edge.runDdclient({ force });
  writeFileSync(log, `${readFileSync(log, 'utf8')}${run.output}\n`);
}

/**
 * Jarvis's config for ddclient alone (no record, certificate or Caddy watched): its check, the config editor that
 * restores its credentials, and probes that react to one reading. It ends with the `policy:` section, so lines
 * indented by two may follow it.
 */
export function ddclientOnlyConfig(edge: EdgeLab, files: Pick<ScenarioFiles, 'log' | 'backups'>, { runTimeoutSeconds = 30, intervalSeconds = SCENARIO_INTERVALS.ddclientSeconds }: { runTimeoutSeconds?: number; intervalSeconds?: number } = {}): string {
  return `
ddclient:
  name: lab
  config: ${edge.paths.ddclientConf}
  log: ${files.log}
  cache: ${edge.paths.ddclientCache}
  intervalSeconds: ${intervalSeconds}
  runTimeoutSeconds: ${runTimeoutSeconds}
configEditor:
  allowedPaths: [${edge.paths.ddclientConf}]
  backupFolder: ${files.backups}
probes:
  failuresBeforeDetection: 1
  passesBeforeRecovery: 1
policy:
  approvalExpirySeconds: 600
`;
}

/**
 * The lab's own typo in ddclient.conf's secret, then the record lost as an address change would leave it (ddclient
 * skips hosts whose cached address is current, so the cache is emptied) and a scheduled run that fails.
 */
export async function breakDdclient(edge: EdgeLab, log: string): Promise<void> {
  edge.breakSecret('config');
  await loseRecordAndRunDdclient(edge, log);
}

/** `lab.breakSecret('config')` on the file as it is now (the lab's own copy predates anything added to it since). */
export function breakSecretInConfig(edge: EdgeLab): void {
  const conf = readFileSync(edge.paths.ddclientConf, 'utf8');
  writeFileSync(edge.paths.ddclientConf, conf.replace(`password=${edge.paths.ddclientKey}`, `password=${edge.paths.ddclientTypoKey}`), { mode: 0o600 });
}

/** The rest of the fault after the typo: the record vanishes, ddclient forgets it published it, and its next run fails. */
export async function loseRecordAndRunDdclient(edge: EdgeLab, log: string): Promise<void> {
  await edge.deleteRecord(edge.hosts[0]!);
  writeFileSync(edge.paths.ddclientCache, '');
  await scheduledRun(edge, log);
}

/** How many orders Caddy's current process has given up on for now ("will retry"). */
export function caddyFailedOrders(edge: EdgeLab): number {
  return edge.processes.caddy.log().split('\n').filter((line) => line.includes('"msg":"will retry"')).length;
}

/**
 * Caddy restarted without its certificates once the name fails, until its first order has failed for want of the
 * record: an order still validating when the record returns succeeds by itself, leaving nothing to remediate.
 */
export async function restartCaddyUntilOrderFails(edge: EdgeLab): Promise<void> {
  await edge.restartCaddyWithoutCertificates();
  await waitFor("Caddy's first order to fail", () => caddyFailedOrders(edge) > 0, 60_000, 200);
}

export async function jarvisApi(jarvis: JarvisDeployment, method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const token = readFileSync(join(jarvis.dir, 'api-token'), 'utf8').trim();
  const reply = await fetch(`http://127.0.0.1:${jarvis.httpPort}/api/jarvis${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: reply.status, body: await reply.json() };
}

/** Grants a pending approval the way an operator does: POST /api/jarvis/approvals/<id>/approve with its digest. */
export function grantApproval(jarvis: JarvisDeployment, request: JarvisEventOf<'ApprovalRequested'>, by: string): Promise<{ status: number; body: unknown }> {
  return jarvisApi(jarvis, 'POST', `/approvals/${request.id}/approve`, { by, digest: request.data.digest });
}

/** Every check run now, by the monitor (POST /api/jarvis/diagnose). */
export async function diagnosed(jarvis: JarvisDeployment, target: string): Promise<CheckResultView | undefined> {
  const response = await fetch(`http://127.0.0.1:${jarvis.httpPort}/api/jarvis/diagnose`, { method: 'POST', signal: AbortSignal.timeout(40_000) });
  return ((await response.json()) as DiagnoseReply).results.find((r) => r.target === target);
}

/** The TSIG secrets of the lab's key files: none may appear in an event, a log line, a span or a reply. */
export function labSecrets(edge: EdgeLab): string[] {
  return [edge.paths.ddclientKey, edge.paths.ddclientTypoKey, edge.paths.tsigKey].map((file) => /secret "([^"]+)"/.exec(readFileSync(file, 'utf8'))![1]!);
}
