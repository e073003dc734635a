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
 * Per-host status from ddclient's output (`-verbose -noquiet`) or its log; the latest line about a host wins.
 * nsupdate's errors name no host: they belong to the next `FAILED:` line, which ddclient writes to the same stderr
 * right after them (the first one counts: nsupdate says REFUSED after it could not read its key, the key is the
 * cause). ddclient writes UPDATE and SUCCESS to stdout, so a captured run is read as stdout, then stderr.
 */
export function recogniseDdclientOutput(text: string): HostUpdateStatus[] {
  const statuses = new Map<string, HostUpdateStatus>();
  let pendingReason: HostUpdateReason | null = null;
  let lastSkipped: string | null = null;
  const record = (host: string, outcome: HostUpdateOutcome, reason: HostUpdateReason | null): void => {
    statuses.set(host, { host, outcome, reason });
  };
  for (const line of text.split('\n')) {
    const updating = UPDATING.exec(line);
    const success = SUCCESS.exec(line);
    const failed = FAILED.exec(line);
    const skipping = SKIPPING.exec(line);
    if (updating) {
      record(updating[1]!, 'attempted', null);
    } else if (success) {
      record(success[1]!, 'updated', null);
    } else if (failed) {
      record(failed[1]!, 'failed', pendingReason ?? reasonIn(failed[2] ?? '') ?? 'other');
      pendingReason = null;
    } else if (skipping) {
      lastSkipped = skipping[1]!;
      record(lastSkipped, 'skipped', null);
    } else if (WAIT.test(line) && lastSkipped) {
      record(lastSkipped, 'skipped', 'wait_between_attempts');
    } else {
      pendingReason ??= reasonIn(line);
    }
  }
  return [...statuses.values()];
}

function reasonIn(line: string): HostUpdateReason | null {
  return FAILURE_REASONS.find(([pattern]) => pattern.test(line))?.[1] ?? null;
}
