import { resolve } from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { AuditKeyError, readAuditKey, verifyEventChain, type ChainVerification } from '@jarvis/audit-store';
import type { CommandInput, Terminal } from './command-table.js';
import { progressLine } from './progress-line.js';
import { natsClientOptionsFrom } from './nats-credentials.js';
import { StartupError } from './startup-error.js';

const INTACT = 0;
const ALTERED = 1;
const CANNOT_VERIFY = 2;

/** What `jarvis audit verify` does once its command line is parsed. */
export async function auditVerify({ values, env }: CommandInput, terminal: Terminal): Promise<number> {
  let nc: NatsConnection | undefined;
  try {
    const keyFile = values['key-file'] as string | undefined;
    const key = keyFile === undefined ? undefined : readAuditKey('--key-file', keyFile, resolve(env['JARVIS_DATA_DIR'] || 'data'));
    nc = await connect({ ...natsClientOptionsFrom(env), name: 'jarvis-audit-verify', timeout: 10_000, reconnect: false });
    const progress = progressLine(values['json'] !== true && process.stderr.isTTY === true, 'verifying');
    const result = await verifyEventChain(nc, { ...(key ? { key } : {}), onProgress: progress.show });
    progress.clear();
    terminal.out(values['json'] === true ? `${JSON.stringify(result)}\n` : describe(result));
    return result.ok ? INTACT : ALTERED;
  } catch (error) {
    const known = error instanceof AuditKeyError || error instanceof StartupError;
    terminal.err(`jarvis audit verify: ${known ? (error as Error).message : `could not verify: ${(error as Error).message}`}\n`);
    return CANNOT_VERIFY;
  } finally {
    await nc?.close().catch(() => undefined);
  }
}

function describe(result: ChainVerification): string {
  const lines: string[] = [];
  if (result.ok) {
    lines.push(`audit chain intact: ${result.verified} events of ${result.stream} verified against ${result.checkpoints} checkpoint(s)`);
  } else {
    const where = result.finding.stream === 'events' ? `${result.stream} seq ${result.finding.seq}` : `checkpoint seq ${result.finding.seq}`;
    lines.push(`audit chain BROKEN at ${where}: ${result.finding.kind}: ${result.finding.detail}`);
    lines.push(`(${result.verified} events verified before it)`);
  }
  if (result.beforeHorizon > 0) {
    lines.push(`${result.beforeHorizon} checkpointed events before seq ${result.firstSeq} were removed by the stream's retention (${retentionOf(result)}); their checkpoints are intact, the events themselves are only in what you exported`);
  }
  if (result.uncheckpointed > 0) lines.push(`${result.uncheckpointed} newer events are not in a checkpoint yet: checked for gaps only`);
  lines.push(`latest checkpoint digest: ${result.head} (keep it elsewhere to pin this history)`);
  return `${lines.join('\n')}\n`;
}

function retentionOf(result: ChainVerification): string {
  if (!result.retention) return 'none';
  const parts = [result.retention.maxAgeSeconds > 0 ? `max age ${result.retention.maxAgeSeconds / 86400} days` : '', result.retention.maxBytes > 0 ? `max ${result.retention.maxBytes} bytes` : ''];
  return parts.filter(Boolean).join(', ');
}
