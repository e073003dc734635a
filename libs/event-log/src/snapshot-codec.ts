import { gunzipSync, gzipSync } from 'node:zlib';

/** A processor's state as of one stream sequence, with what is needed to go on from there exactly. */
export type Snapshot<S> = {
  processor: string;
  stateVersion: number;
  /** `createdAt` of the stream it was taken from: a re-created stream makes it worthless. */
  stream: string;
  /** Every stored event up to this sequence is in the state. */
  seq: number;
  /** The processor's own events beyond `seq` that are in the state too. */
  ahead: number[];
  state: S;
};

const FORMAT = 1;
const MAP_TAG = '$jarvis:Map';
const SET_TAG = '$jarvis:Set';

export class SnapshotUnreadable extends Error {
  override name = 'SnapshotUnreadable';
}

/** JSON with Maps and Sets tagged (states are Maps, Sets, plain objects and events), gzipped: logs compress well. */
export function encodeSnapshot<S>(snapshot: Snapshot<S>): Uint8Array {
  return gzipSync(JSON.stringify({ format: FORMAT, ...snapshot }, tagCollections), { level: 6 });
}

export function decodeSnapshot<S>(bytes: Uint8Array): Snapshot<S> {
  let plain: unknown;
  try {
    plain = JSON.parse(gunzipSync(bytes).toString('utf8'), untagCollections);
  } catch (error) {
    throw new SnapshotUnreadable(`not a snapshot (${(error as Error).message})`);
  }
  const problem = shapeProblem(plain);
  if (problem) throw new SnapshotUnreadable(problem);
  const { format: _format, ...snapshot } = plain as Snapshot<S> & { format: number };
  return snapshot;
}

function shapeProblem(plain: unknown): string | undefined {
  if (typeof plain !== 'object' || plain === null) return '(root): must be an object';
  const s = plain as Record<string, unknown>;
  if (s['format'] !== FORMAT) return `format: must be ${FORMAT}, got ${JSON.stringify(s['format'])}`;
  if (typeof s['processor'] !== 'string') return 'processor: must be a string';
  if (typeof s['stream'] !== 'string') return 'stream: must be a string';
  for (const key of ['stateVersion', 'seq']) if (!Number.isInteger(s[key]) || (s[key] as number) < 0) return `${key}: must be a non-negative integer`;
  if (!Array.isArray(s['ahead']) || !s['ahead'].every((n) => Number.isInteger(n))) return 'ahead: must be a list of sequences';
  if (!('state' in s)) return 'state: missing';
  return undefined;
}

function tagCollections(_key: string, value: unknown): unknown {
  if (value instanceof Map) return { [MAP_TAG]: [...value] };
  if (value instanceof Set) return { [SET_TAG]: [...value] };
  return value;
}

function untagCollections(_key: string, value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const keys = Object.keys(value);
  if (keys.length !== 1) return value;
  const record = value as Record<string, unknown>;
  if (keys[0] === MAP_TAG && Array.isArray(record[MAP_TAG])) return new Map(record[MAP_TAG] as [unknown, unknown][]);
  if (keys[0] === SET_TAG && Array.isArray(record[SET_TAG])) return new Set(record[SET_TAG] as unknown[]);
  return value;
}
