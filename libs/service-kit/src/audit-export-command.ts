import type { JarvisCommand } from './command-table.js';

/** `jarvis audit export`: the command; what it does loads only when it runs. */
export function auditExportCommand(): JarvisCommand {
  return {
    name: 'audit export',
    summary: 'Writes the stored events of a period to stdout, one per line, as JSON lines or CSV.',
    arguments: '[--since <date>] [--until <date>] [--format jsonl|csv]',
    details: `Reads the event stream (JARVIS_EVENTS) by sequence and writes every event whose time is at or after --since and
before --until (ISO 8601; both optional), in stream order, with its stream sequence: JSON lines (the envelope plus
"seq") or CSV (seq, id, time, type, version, source, subject, correlationId, causationId, and data as JSON).
Events never carry secrets, so neither does the export. This is how history is kept beyond events.retention:
e.g. jarvis audit export --until 2026-11-01 > events-before-november.jsonl. A summary goes to stderr, with a
progress line on a terminal.

Environment: NATS_URL (default nats://127.0.0.1:4222) and the NATS credentials Jarvis takes; the read-only operator
identity is enough.

Exit codes: 0 exported; 1 NATS or the stream failed; 2 bad command line or credentials.`,
    options: {
      since: { type: 'string', valueName: 'date', description: 'Only events at or after this time.' },
      until: { type: 'string', valueName: 'date', description: 'Only events before this time.' },
      format: { type: 'string', valueName: 'jsonl|csv', description: 'The output format (default jsonl).' },
    },
    maxPositionals: 0,
    run: async (input, terminal) => (await import('./audit-export.js')).auditExport(input, terminal),
  };
}
