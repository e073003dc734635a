import { readFileSync, writeFileSync } from 'node:fs';
import { caddyFailedOrders, restartCaddyUntilOrderFails } from '../lab/dns-scenario.js';
import type { EdgeLab } from '../lab/edge-lab.js';
import { tlsHandshake } from '../lab/tls-handshake.js';
import { waitFor } from '../support/processes.js';
import type { FloorRun } from './scenario-report.js';

const RECORD_TIMEOUT_MS = 60_000;
const SERVED_TIMEOUT_MS = 120_000;
const POLL_MS = 50;

/**
 * The steps Jarvis's fix is made of, done by hand on the same lab while Jarvis is not running: from the record absent
 * and Caddy's first order failed, one `ddclient -force` until the authoritative server answers, then one Caddy retry
 * until it serves a certificate that pebble's root validates. Pebble's issuance alone is read from Caddy's own log.
 */
export async function measureFloor(edge: EdgeLab, index: number, caFile: string): Promise<FloorRun> {
  const host = edge.hosts[0]!;
  await edge.deleteRecord(host);
  emptyCache(edge);
  await restartCaddyUntilOrderFails(edge);
  const floor: FloorRun = { index };
  try {
    const ddclientStartMs = Date.now();
    const run = await edge.runDdclient({ force: true });
    floor.ddclientExitMs = Date.now() - ddclientStartMs;
    if (run.exitCode !== 0) throw new Error(`ddclient -force exited ${run.exitCode}`);
    await waitFor('the record on the authoritative server', async () => (await edge.dig(host)).answers.includes(edge.address), RECORD_TIMEOUT_MS, POLL_MS);
    const recordMs = Date.now();
    floor.ddclientToRecordMs = recordMs - ddclientStartMs;
    const failedBefore = caddyFailedOrders(edge);
    await edge.caddyRetry();
    await waitFor("pebble's certificate served by Caddy", () => servesPebbleCertificate(edge, caFile), SERVED_TIMEOUT_MS, POLL_MS);
    floor.caddyRetryToServedMs = Date.now() - recordMs;
    floor.orderMs = lastSuccessfulOrderMs(edge.processes.caddy.log());
    if (caddyFailedOrders(edge) > failedBefore) floor.note = 'Caddy logged another failed order during the retry';
  } catch (error) {
    floor.error = (error as Error).message.split('\n')[0]!.slice(0, 300);
  }
  return floor;
}

/** ddclient skips an update its cache says it made; the floor is a real publication. */
function emptyCache(edge: EdgeLab): void {
  writeFileSync(edge.paths.ddclientCache, '');
}

async function servesPebbleCertificate(edge: EdgeLab, caFile: string): Promise<boolean> {
  const handshake = await tlsHandshake(edge.ports.https, edge.hosts[0]!, readFileSync(caFile, 'utf8'));
  return handshake.ok && handshake.authorized;
}

type CaddyLogLine = { ts?: number; msg?: string };

/**
 * Caddy's last ACME order that succeeded, from its JSON log: "obtaining certificate" (the order starts) to
 * "certificate obtained successfully"; the accounts, challenges and issuance in between are pebble's and the network's.
 */
export function lastSuccessfulOrderMs(log: string): number | undefined {
  let startedAt: number | undefined;
  let duration: number | undefined;
  for (const line of log.split('\n')) {
    const entry = parseLine(line);
    if (entry?.ts === undefined) continue;
    if (entry.msg === 'obtaining certificate') startedAt = entry.ts;
    else if (entry.msg === 'certificate obtained successfully' && startedAt !== undefined) duration = Math.round((entry.ts - startedAt) * 1000);
  }
  return duration;
}

function parseLine(line: string): CaddyLogLine | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    return JSON.parse(line) as CaddyLogLine;
  } catch {
    return undefined;
  }
}
