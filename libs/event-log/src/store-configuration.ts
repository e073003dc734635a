import { RetentionPolicy, StorageType, type StreamConfig } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { EVENT_SUBJECT_PREFIX } from '@jarvis/contracts';

export const EVENT_SUBJECTS = `${EVENT_SUBJECT_PREFIX}.>`;
export const DUPLICATE_WINDOW_MS = 120_000;
export const MAX_EVENT_BYTES = 64 * 1024;

/**
 * The stream Jarvis creates: every event kept on disk for ever, appends de-duplicated by event id, and no message
 * can be deleted nor the stream purged, whoever asks (the server refuses turning these flags off again).
 */
export function eventStreamConfig(name: string): Partial<StreamConfig> & { name: string } {
  return {
    name,
    subjects: [EVENT_SUBJECTS],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    duplicate_window: nanos(DUPLICATE_WINDOW_MS),
    max_msg_size: MAX_EVENT_BYTES,
    deny_delete: true,
    deny_purge: true,
  };
}

/** An existing stream that would lose, drop or refuse events: Jarvis does not start on it. */
export class EventStoreMisconfigured extends Error {
  constructor(
    readonly stream: string,
    readonly problems: string[],
  ) {
    super(
      `event store: stream ${stream} is not configured as Jarvis needs:\n` +
        problems.map((p) => `  - ${p}`).join('\n') +
        `\nFix: limits, the duplicate window and the message size can be changed in place (\`nats stream edit ${stream}\`); ` +
        `storage and retention cannot: back the stream up (\`nats stream backup ${stream} DIR\`), remove it ` +
        `(\`nats stream rm ${stream}\`) and start Jarvis, which creates it as it needs, then republish the saved events.`,
    );
    this.name = 'EventStoreMisconfigured';
  }
}

const unlimited = (value: number | undefined) => value === undefined || value <= 0;

/** Each setting of an existing stream that differs from what Jarvis needs, as "setting is X, must be Y". */
export function storeConfigProblems(config: StreamConfig): string[] {
  const problems: string[] = [];
  if (config.storage !== StorageType.File) problems.push(`storage is ${config.storage}, must be file (a memory stream loses every event when nats-server stops)`);
  if (config.retention !== RetentionPolicy.Limits) problems.push(`retention is ${config.retention}, must be limits (other policies delete events once consumed)`);
  if (!unlimited(config.max_age)) problems.push(`max_age is ${config.max_age / 1e9} s, must be 0 (unlimited): old events would be deleted`);
  if (!unlimited(config.max_msgs)) problems.push(`max_msgs is ${config.max_msgs}, must be -1 (unlimited)`);
  if (!unlimited(config.max_bytes)) problems.push(`max_bytes is ${config.max_bytes}, must be -1 (unlimited)`);
  if (!unlimited(config.max_msgs_per_subject)) problems.push(`max_msgs_per_subject is ${config.max_msgs_per_subject}, must be -1 (unlimited)`);
  if (!(config.subjects ?? []).includes(EVENT_SUBJECTS)) problems.push(`subjects are ${JSON.stringify(config.subjects ?? [])}, must include ${EVENT_SUBJECTS}`);
  if ((config.duplicate_window ?? 0) < nanos(DUPLICATE_WINDOW_MS)) {
    problems.push(`duplicate_window is ${(config.duplicate_window ?? 0) / 1e9} s, must be at least ${DUPLICATE_WINDOW_MS / 1000} s (a retried append would be stored twice)`);
  }
  if (!unlimited(config.max_msg_size) && config.max_msg_size < MAX_EVENT_BYTES) problems.push(`max_msg_size is ${config.max_msg_size}, must be at least ${MAX_EVENT_BYTES} or -1`);
  if (config.sealed) problems.push('sealed is true, must be false (a sealed stream refuses every append)');
  return problems;
}

/**
 * Protections a stream made by an older Jarvis lacks. Not a reason to refuse starting: the NATS identities already
 * deny every service the delete and purge calls; the flags also hold against an admin's mistake.
 */
export function storeHardeningGaps(stream: string, config: StreamConfig): string[] {
  const gaps = [config.deny_delete ? '' : 'deny_delete', config.deny_purge ? '' : 'deny_purge'].filter(Boolean);
  if (gaps.length === 0) return [];
  return [`event store: stream ${stream} allows deleting or purging its events (${gaps.join(' and ')} off); turn them on with \`nats stream edit ${stream} --deny-delete --deny-purge\``];
}
