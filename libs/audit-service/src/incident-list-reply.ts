import type { IncidentListReply, IncidentMetricsView, IncidentSummaryView } from '@jarvis/contracts';

/** Room kept in the NATS message for what carries the reply back (the RPC envelope around it). */
const ENVELOPE_BYTES = 4096;

/**
 * The incidents asked for, newest first, as far as they fit in one NATS message of `maxPayloadBytes`: the oldest of
 * them are left out and counted in `omitted` rather than the whole reply failing to send (1,000 incidents with long
 * conditions pass the default 1 MiB).
 */
export function incidentListReply(newestFirst: readonly IncidentSummaryView[], metrics: IncidentMetricsView, maxPayloadBytes: number): IncidentListReply {
  const budget = maxPayloadBytes - ENVELOPE_BYTES;
  let bytes = Buffer.byteLength(JSON.stringify({ incidents: [], metrics, omitted: newestFirst.length }));
  let kept = 0;
  for (const summary of newestFirst) {
    const grown = bytes + Buffer.byteLength(JSON.stringify(summary)) + (kept > 0 ? 1 : 0);
    if (grown > budget) break;
    bytes = grown;
    kept += 1;
  }
  const incidents = newestFirst.slice(0, kept);
  return kept < newestFirst.length ? { incidents, metrics, omitted: newestFirst.length - kept } : { incidents, metrics };
}
