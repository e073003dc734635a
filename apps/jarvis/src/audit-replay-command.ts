import type { JarvisCommand } from '@jarvis/service-kit/cli';

/** `jarvis audit replay`: the command; the audit service's code loads only when it runs. */
export function auditReplayCommand(): JarvisCommand {
  return {
    name: 'audit replay',
    summary: 'Rebuilds the audit projections (incidents, reliability figures) from the whole log, with the rate.',
    arguments: '[--json]',
    details: `Reads every stored event (stream JARVIS_EVENTS, by sequence) and folds it from zero through the audit service's
projections, as the service does at a start without a snapshot (here on a worker thread, so that reading and
folding overlap), then prints how many events it read, how fast,
and the figures it got: incidents kept (after events.closedCaseRetentionHours) and the reliability figures of
GET /api/jarvis/metrics/reliability, which a replay must reproduce exactly. Nothing is written. A progress line
with the rate goes to a terminal's stderr.

Environment: NATS_URL and the NATS credentials Jarvis takes (the read-only operator identity is enough);
JARVIS_CONFIG for the retention and time-saved settings (default: built-in).

Exit codes: 0 replayed; 1 NATS or the stream failed; 2 bad command line, configuration or credentials.`,
    options: { json: { type: 'boolean', description: 'Print the result as one JSON object.' } },
    maxPositionals: 0,
    run: async (input, terminal) => (await import('@jarvis/audit-service')).auditReplay(input, terminal),
  };
}
