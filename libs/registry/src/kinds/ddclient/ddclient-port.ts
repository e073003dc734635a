import type { DdclientConfig } from '@jarvis/config';

/** A problem in ddclient.conf, located; its message never quotes a secret. */
export type DdclientConfigProblem = { readonly severity: 'error' | 'warning'; readonly where: string; readonly message: string };

export type DdclientHostOutcome = 'updated' | 'failed' | 'skipped' | 'attempted';

/** What ddclient's log says it last did for one host, and why when it failed or skipped. */
export type DdclientHostReading = { readonly host: string; readonly outcome: DdclientHostOutcome; readonly reason: string | null };

/** One look at a ddclient: its config's problems and, when a log is configured, the latest status per host. */
export type DdclientInspection = {
  readonly hostCount: number;
  readonly problems: readonly DdclientConfigProblem[];
  /** null when no log is configured. */
  readonly hosts: readonly DdclientHostReading[] | null;
  /** Why the configured log could not be read, if it could not. */
  readonly logProblem: string | null;
};

/** One forced ddclient run: per-host outcome from its own output; the output itself stays out of events. */
export type DdclientForcedRun = {
  readonly exitCode: number | null;
  readonly timedOut: boolean;
  readonly hosts: readonly DdclientHostReading[];
};

/** When ddclient last published one host: the cache's `mtime`, which ddclient writes only after a successful update. */
export type DdclientPublication = { readonly host: string; readonly publishedAt: Date | null };

/** Every host of ddclient.conf with its last publication, or why the cache or the config cannot be read. */
export type DdclientPublications = { readonly hosts: readonly DdclientPublication[] } | { readonly unreadable: string };

/**
 * The port to ddclient's files; `@jarvis/ddclient`'s adapter reads them through a path whitelist. An unreadable
 * ddclient.conf is thrown (the monitor records a probe error); everything wrong inside it is a problem.
 */
export interface DdclientPort {
  inspect(ddclient: DdclientConfig, signal: AbortSignal): Promise<DdclientInspection>;
  /**
   * `ddclient -force` once in the foreground. Its output (secrets redacted) is appended to the configured log, so the
   * check, which reads that log, sees what the run did.
   */
  forceUpdate(ddclient: DdclientConfig, signal: AbortSignal): Promise<DdclientForcedRun>;
  /** Each host of ddclient.conf and when ddclient's cache says it was last published. */
  lastPublished(ddclient: DdclientConfig, signal: AbortSignal): Promise<DdclientPublications>;
}
