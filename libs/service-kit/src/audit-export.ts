import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { readRawRange } from '@jarvis/audit-store';
import { decodeEvent, EVENT_STREAM_NAME, type JarvisEvent } from '@jarvis/contracts';
import type { CommandInput, Terminal } from './command-table.js';
import { natsClientOptionsFrom } from './nats-credentials.js';
import { progressLine } from './progress-line.js';
import { StartupError } from './startup-error.js';

const DONE = 0;
const FAILED = 1;
const USAGE = 2;

const CSV_COLUMNS = ['seq', 'id', 'time', 'type', 'version', 'source', 'subject', 'correlationId', 'causationId', 'data'] as const;

type ExportRange = { sinceMs: number; untilMs: number; format: 'jsonl' | 'csv' };

/** What `jarvis audit export` does once its command line is parsed. */
export async function auditExport(input: CommandInput, terminal: Terminal): Promise<number> {
  const range = exportRangeFrom(input, terminal);
  if (range === null) return USAGE;
  let nc: NatsConnection | undefined;
  try {
    nc = await connect({ ...natsClientOptionsFrom(input.env), name: 'jarvis-audit-export', timeout: 10_000, reconnect: false });
    const exported = await exportEvents(nc, range, terminal);
    terminal.err(`exported ${exported.events} event(s) of ${exported.read} read (${range.format})\n`);
    return DONE;
  } catch (error) {
    if (error instanceof StartupError) {
      terminal.err(`jarvis audit export: ${error.message}\n`);
      return USAGE;
    }
    terminal.err(`jarvis audit export: ${(error as Error).message}\n`);
    return FAILED;
  } finally {
    await nc?.close().catch(() => undefined);
  }
}

function exportRangeFrom({ values }: CommandInput, terminal: Terminal): ExportRange | null {
  const usage = (problem: string) => {
    terminal.err(`jarvis audit export: ${problem}\n\nRun "jarvis audit export --help" for its usage.\n`);
    return null;
  };
  const format = values['format'] ?? 'jsonl';
  if (format !== 'jsonl' && format !== 'csv') return usage(`--format: "${String(format)}" is not a format (expected jsonl or csv)`);
  const instant = (name: 'since' | 'until', fallback: number): number | string => {
    const value = values[name];
    if (typeof value !== 'string') return fallback;
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? `--${name}: "${value}" is not a date (expected ISO 8601, e.g. 2026-11-01 or 2026-11-01T12:00:00Z)` : ms;
  };
  const sinceMs = instant('since', Number.NEGATIVE_INFINITY);
  const untilMs = instant('until', Number.POSITIVE_INFINITY);
  if (typeof sinceMs === 'string') return usage(sinceMs);
  if (typeof untilMs === 'string') return usage(untilMs);
  if (sinceMs >= untilMs) return usage('--until: must be after --since');
  return { sinceMs, untilMs, format };
}

/** Every stored event with since ≤ time < until, in stream order, one per line on stdout. */
async function exportEvents(nc: NatsConnection, range: ExportRange, terminal: Terminal): Promise<{ read: number; events: number }> {
  const jsm = await jetstreamManager(nc);
  const { state } = await jsm.streams.info(EVENT_STREAM_NAME);
  const progress = progressLine(process.stderr.isTTY === true, 'exporting');
  if (range.format === 'csv') terminal.out(`${CSV_COLUMNS.join(',')}\n`);
  let read = 0;
  let events = 0;
  for await (const record of readRawRange(nc, EVENT_STREAM_NAME, state.first_seq, state.last_seq)) {
    read += 1;
    if (record.seq % 1000 === 0) progress.show(record.seq, state.last_seq);
    const decoded = decodeEvent(record.data);
    if (!decoded.ok) {
      terminal.err(`seq ${record.seq}: not a valid event, left out (${decoded.errors.join('; ')})\n`);
      continue;
    }
    const at = Date.parse(decoded.value.time);
    if (at < range.sinceMs || at >= range.untilMs) continue;
    terminal.out(`${range.format === 'csv' ? csvRow(record.seq, decoded.value) : JSON.stringify({ seq: record.seq, ...decoded.value })}\n`);
    events += 1;
  }
  progress.clear();
  return { read, events };
}

function csvRow(seq: number, event: JarvisEvent): string {
  const cells: Record<(typeof CSV_COLUMNS)[number], string> = {
    seq: String(seq),
    id: event.id,
    time: event.time,
    type: event.type,
    version: String(event.version),
    source: event.source,
    subject: event.subject,
    correlationId: event.correlationId,
    causationId: event.causationId ?? '',
    data: JSON.stringify(event.data),
  };
  return CSV_COLUMNS.map((column) => csvCell(cells[column])).join(',');
}

/** RFC 4180: a cell with a comma, a quote or a line break is quoted, its quotes doubled. */
function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
