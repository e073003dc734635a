import { RetentionPolicy, StorageType, type StreamConfig } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { EVENT_SUBJECT_PREFIX } from '@jarvis/contracts';

export const EVENT_SUBJECTS = `${EVENT_SUBJECT_PREFIX}.>`;
export const DUPLICATE_WINDOW_MS = 120_000;
export const MAX_EVENT_BYTES = 64 * 1024;

/** How long the stream keeps events (`events.retention`); 0 is no limit. */
export type StreamRetention = { maxAgeDays: number; maxBytes: number };

export const KEEP_FOREVER: StreamRetention = { maxAgeDays: 0, maxBytes: 0 };

const DAY_MS = 86_400_000;

/**
 * The stream Jarvis creates: every event kept on disk (for ever unless `events.retention` says otherwise), appends
 * de-duplicated by event id, and no message can be deleted nor the stream purged, whoever asks (the server refuses
 * turning these flags off again; retention's own removals are not deletions and still happen).
 */
export function eventStreamConfig(name: string, retention: StreamRetention = KEEP_FOREVER): Partial<StreamConfig> & { name: string } {
  return {
    name,
    subjects: [EVENT_SUBJECTS],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    duplicate_window: nanos(DUPLICATE_WINDOW_MS),
    max_msg_size: MAX_EVENT_BYTES,
    ...(retention.maxAgeDays > 0 ? { max_age: nanos(retention.maxAgeDays * DAY_MS) } : {}),
    ...(retention.maxBytes > 0 ? { max_bytes: retention.maxBytes } : {}),
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
export function storeConfigProblems(config: StreamConfig, retention: StreamRetention = KEEP_FOREVER): string[] {
  const problems: string[] = [];
  if (config.storage !== StorageType.File) problems.push(`storage is ${config.storage}, must be file (a memory stream loses every event when nats-server stops)`);
  if (config.retention !== RetentionPolicy.Limits) problems.push(`retention is ${config.retention}, must be limits (other policies delete events once consumed)`);
  problems.push(...maxAgeProblems(config, retention));
  if (!unlimited(config.max_msgs)) problems.push(`max_msgs is ${config.max_msgs}, must be -1 (unlimited)`);
  problems.push(...maxBytesProblems(config, retention));
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

/** The age limit must be exactly what `events.retention` says: a stricter one would drop events unasked. */
function maxAgeProblems(config: StreamConfig, retention: StreamRetention): string[] {
  const wanted = retention.maxAgeDays > 0 ? nanos(retention.maxAgeDays * DAY_MS) : 0;
  const actual = unlimited(config.max_age) ? 0 : config.max_age;
  if (actual === wanted) return [];
  const must = wanted === 0 ? '0 (unlimited): old events would be deleted' : `${wanted / 1e9} s (events.retention.maxAgeDays: ${retention.maxAgeDays})`;
  return [`max_age is ${actual / 1e9} s, must be ${must}`];
}

function maxBytesProblems(config: StreamConfig, retention: StreamRetention): string[] {
  const actual = unlimited(config.max_bytes) ? 0 : config.max_bytes;
  if (actual === retention.maxBytes) return [];
  const must = retention.maxBytes === 0 ? '-1 (unlimited)' : `${retention.maxBytes} (events.retention.maxBytes)`;
  return [`max_bytes is ${actual === 0 ? -1 : actual}, must be ${must}`];
}
