import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { readStoredBatches } from '@jarvis/audit-store';
import { defaultConfig, loadConfigFile, type JarvisConfig } from '@jarvis/config';
import { EVENT_STREAM_NAME, type ReliabilityReply } from '@jarvis/contracts';
import type { IncidentMetrics } from '@jarvis/incidents';
import { natsClientOptionsFrom, progressLine, StartupError, type CommandInput, type ProgressLine, type Terminal } from '@jarvis/service-kit';
import { auditLimitsOf } from './audit-limits.js';
import { ReplayFoldThread } from './replay-fold-thread.js';
import { timeSavedEstimatesOf } from './time-saved.js';

const DONE = 0;
const FAILED = 1;
const USAGE = 2;

export type AuditReplay = { events: number; invalid: number; seconds: number; eventsPerSecond: number; incidents: IncidentMetrics; reliability: ReliabilityReply };

/** What `jarvis audit replay` does: the audit's projections folded from zero, here, with the configuration given. */
export async function auditReplay({ values, env }: CommandInput, terminal: Terminal): Promise<number> {
  let nc: NatsConnection | undefined;
  try {
    const config = env['JARVIS_CONFIG'] ? loadConfigFile(env['JARVIS_CONFIG']) : defaultConfig();
    nc = await connect({ ...natsClientOptionsFrom(env), name: 'jarvis-audit-replay', timeout: 10_000, reconnect: false });
    const progress = progressLine(values['json'] !== true && process.stderr.isTTY === true, 'replaying');
    const replay = await replayAudit(nc, config, progress);
    progress.clear();
    terminal.out(values['json'] === true ? `${JSON.stringify(replay)}\n` : describe(replay));
    return DONE;
  } catch (error) {
    const usage = error instanceof StartupError;
    terminal.err(`jarvis audit replay: ${(error as Error).message}\n`);
    return usage ? USAGE : FAILED;
  } finally {
    await nc?.close().catch(() => undefined);
  }
}

/** Every stored event, in order, through the audit processor's evolve on a thread of its own; the figures as of now. */
export async function replayAudit(nc: NatsConnection, config: JarvisConfig, progress: Pick<ProgressLine, 'show'>): Promise<AuditReplay> {
  const jsm = await jetstreamManager(nc);
  const { state: stream } = await jsm.streams.info(EVENT_STREAM_NAME);
  const started = performance.now();
  const fold = new ReplayFoldThread(auditLimitsOf(config));
  try {
    for await (const batch of readStoredBatches(nc, EVENT_STREAM_NAME, stream.first_seq, stream.last_seq)) {
      await fold.add(batch);
      const { events, invalid } = fold.counts;
      progress.show(events + invalid, stream.messages, `${Math.round(events / ((performance.now() - started) / 1000))} events/s`);
    }
    const figures = await fold.figures(new Date(), timeSavedEstimatesOf(config));
    const seconds = (performance.now() - started) / 1000;
    return { ...figures, seconds, eventsPerSecond: seconds > 0 ? figures.events / seconds : figures.events };
  } finally {
    await fold.close();
  }
}

function describe(replay: AuditReplay): string {
  const { incidents, reliability } = replay;
  const rate = reliability.autonomousFixRate === null ? '-' : `${Math.round(reliability.autonomousFixRate * 100)}%`;
  return [
    `replayed ${replay.events} events in ${replay.seconds.toFixed(1)} s (${Math.round(replay.eventsPerSecond)} events/s)${replay.invalid > 0 ? `; ${replay.invalid} invalid messages skipped` : ''}`,
    `incidents kept: ${incidents.incidents} (${incidents.open} open, ${incidents.escalated} escalated, ${incidents.resolved} resolved)`,
    `all time: ${reliability.incidents.detected} detected, ${reliability.incidents.remediated} remediated (${reliability.incidents.remediatedWithoutPerson} without a person), autonomous fix rate ${rate}`,
    `actions in the last 24 h / 7 d / 30 d: ${reliability.actionsExecuted.last24h} / ${reliability.actionsExecuted.last7d} / ${reliability.actionsExecuted.last30d}; about ${Math.round(reliability.minutesSaved)} minutes saved`,
    '',
  ].join('\n');
}
