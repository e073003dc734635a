/** What ddclient last did for one host, as its output or log says. */
export type HostUpdateOutcome = 'updated' | 'failed' | 'skipped' | 'attempted';

/** Why an update failed or was skipped, when ddclient (or nsupdate under it) says. */
export type HostUpdateReason = 'bad_signature' | 'bad_key' | 'refused' | 'key_unreadable' | 'bad_auth' | 'wait_between_attempts' | 'other';

export type HostUpdateStatus = { readonly host: string; readonly outcome: HostUpdateOutcome; readonly reason: HostUpdateReason | null };

const HOST = '([A-Za-z0-9*_.-]{1,253})';
const UPDATING = new RegExp(`\\bUPDATE:\\s+updating ${HOST}`);
const SUCCESS = new RegExp(`\\bSUCCESS:\\s+(?:updating )?${HOST}`);
const FAILED = new RegExp(`\\bFAILED:\\s+(?:updating )?${HOST}(?::\\s*(.*))?`);
const SKIPPING = new RegExp(`\\bskipping update of ${HOST}`);
const CALL_END = /: (?:failed closing|failed writting to|cannot execute command) /;
const WAIT = /Wait at least .{1,40} between update attempts/;

/** nsupdate's and the services' answers, in the order they are tried: the first that matches names the reason. */
const FAILURE_REASONS: ReadonlyArray<[RegExp, HostUpdateReason]> = [
  [/NOTAUTH\(BADSIG\)|tsig verify failure \(BADSIG\)/, 'bad_signature'],
  [/NOTAUTH\(BADKEY\)|\(BADKEY\)/, 'bad_key'],
  [/update failed: REFUSED/, 'refused'],
  [/could not read key from/, 'key_unreadable'],
  [/\bbadauth\b|\bauthentication failed\b|\b401\b|Invalid API Token|Authentication error/i, 'bad_auth'],
];

/**
 * Per-host status from ddclient's output (`-verbose -noquiet`) or its log. nsupdate's errors name no host, so in a
 * combined stream they belong to the host being updated; in a log the latest line about a host wins. ddclient
 * writes to stdout (block-buffered in a pipe) and nsupdate to stderr, so when the two were captured apart the order
 * between them is lost: `separateErrors` (the stderr) then names the reason of failures that have none, when it
 * gives one reason for all of them, or one per failed host in order.
 */
export function recogniseDdclientOutput(text: string, separateErrors = ''): HostUpdateStatus[] {
  const statuses = statusesIn(text);
  const reasons = reasonsPerCall(separateErrors);
  const unexplained = statuses.filter((s) => s.outcome === 'failed' && s.reason === 'other');
  const distinct = [...new Set(reasons)];
  if (unexplained.length === 0 || reasons.length === 0) return statuses;
  const reasonOf = (index: number): HostUpdateReason => (distinct.length === 1 ? distinct[0]! : reasons.length === unexplained.length ? reasons[index]! : 'other');
  return statuses.map((s) => (unexplained.includes(s) ? { ...s, reason: reasonOf(unexplained.indexOf(s)) } : s));
}

function statusesIn(text: string): HostUpdateStatus[] {
  const statuses = new Map<string, HostUpdateStatus>();
  let current: string | null = null;
  let pendingReason: HostUpdateReason | null = null;
  let lastSkipped: string | null = null;
  for (const line of text.split('\n')) {
    const updating = UPDATING.exec(line);
    if (updating) {
      current = updating[1]!;
      pendingReason = null;
      statuses.set(current, { host: current, outcome: 'attempted', reason: null });
      continue;
    }
    const success = SUCCESS.exec(line);
    if (success) {
      statuses.set(success[1]!, { host: success[1]!, outcome: 'updated', reason: null });
      continue;
    }
    const failed = FAILED.exec(line);
    if (failed) {
      const reason = (failed[1] === current ? pendingReason : null) ?? reasonIn(failed[2] ?? '') ?? 'other';
      statuses.set(failed[1]!, { host: failed[1]!, outcome: 'failed', reason });
      continue;
    }
    const skipping = SKIPPING.exec(line);
    if (skipping) {
      lastSkipped = skipping[1]!;
      statuses.set(lastSkipped, { host: lastSkipped, outcome: 'skipped', reason: null });
      continue;
    }
    if (WAIT.test(line) && lastSkipped) {
      statuses.set(lastSkipped, { host: lastSkipped, outcome: 'skipped', reason: 'wait_between_attempts' });
      continue;
    }
    pendingReason ??= reasonIn(line);
  }
  return [...statuses.values()];
}

/**
 * The reason of each failed nsupdate call in ddclient's stderr: its first recognised line (nsupdate says REFUSED
 * after it could not read its key; the key is the cause). ddclient ends each failed call with `failed closing`.
 */
function reasonsPerCall(stderr: string): HostUpdateReason[] {
  const reasons: HostUpdateReason[] = [];
  let first: HostUpdateReason | null = null;
  for (const line of stderr.split('\n')) {
    first ??= reasonIn(line);
    if (!CALL_END.test(line)) continue;
    reasons.push(first ?? 'other');
    first = null;
  }
  if (first) reasons.push(first);
  return reasons;
}

function reasonIn(line: string): HostUpdateReason | null {
  return FAILURE_REASONS.find(([pattern]) => pattern.test(line))?.[1] ?? null;
}
