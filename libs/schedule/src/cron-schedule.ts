import { Cron } from 'croner';

/** Long enough for any five-field expression people write; a cap keeps a pasted blob out of error messages. */
const MAX_EXPRESSION_LENGTH = 128;

/**
 * croner also takes seconds, years and ISO dates; a maintenance schedule is a plain five-field crontab line or one
 * of these nicknames, so `0 0 0 * * *` (six fields) or a date is refused instead of silently meaning something else.
 */
const NICKNAMES = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@hourly']);

/** An IANA zone name (Area/Location or a single word such as UTC), never an offset like +01:00. */
const TIME_ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+-]{0,63}(\/[A-Za-z0-9_+-]{1,64}){0,2}$/;

/**
 * A fixed reference for "does this expression ever fire?": a date-only check must not read the clock, and a
 * leap-day Monday (`0 3 29 2 +1`) recurs within 28 years of it.
 */
const NEVER_FIRES_PROBE_FROM = new Date('2000-01-01T00:00:00Z');

export const DEFAULT_CRON_TIME_ZONE = 'UTC';

export class CronExpressionError extends Error {
  constructor(
    readonly expression: string,
    readonly reason: string,
  ) {
    super(`cron expression ${JSON.stringify(expression)}: ${reason}`);
    this.name = 'CronExpressionError';
  }
}

export interface CronScheduleOptions {
  /** IANA time zone the expression's wall-clock times are read in; UTC when absent. */
  readonly timezone?: string;
}

/** A validated cron expression in a time zone; it answers questions about given instants and never reads the clock. */
export class CronSchedule {
  private constructor(
    readonly expression: string,
    readonly timezone: string,
    private readonly cron: Cron,
  ) {}

  /** Throws CronExpressionError naming the expression and what is wrong with it (or with the time zone). */
  static parse(expression: string, options: CronScheduleOptions = {}): CronSchedule {
    const timezone = options.timezone ?? DEFAULT_CRON_TIME_ZONE;
    const shapeProblem = expressionShapeProblem(expression);
    if (shapeProblem !== null) throw new CronExpressionError(expression, shapeProblem);
    const zoneProblem = timeZoneProblem(timezone);
    if (zoneProblem !== null) throw new CronExpressionError(expression, zoneProblem);
    const schedule = new CronSchedule(expression, timezone, compile(expression, timezone));
    if (schedule.nextAfter(NEVER_FIRES_PROBE_FROM) === null) {
      throw new CronExpressionError(expression, 'never matches a date (for example the 31st of a month that has 30 days)');
    }
    return schedule;
  }

  /** The first slot strictly after `date`, or null when there is none. */
  nextAfter(date: Date): Date | null {
    return this.cron.nextRun(date);
  }

  /** The latest slot at or before `date`, or null when there is none. */
  latestAtOrBefore(date: Date): Date | null {
    // previousRuns looks strictly before its reference; one millisecond later includes a slot exactly at `date`.
    return this.cron.previousRuns(1, new Date(date.getTime() + 1))[0] ?? null;
  }
}

/** Null when `timezone` names a zone this runtime knows, otherwise what is wrong with it. */
export function timeZoneProblem(timezone: string): string | null {
  if (!TIME_ZONE_NAME.test(timezone)) {
    return `time zone ${JSON.stringify(timezone)} is not an IANA zone name such as Europe/Berlin or UTC`;
  }
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    return null;
  } catch {
    return `time zone ${JSON.stringify(timezone)} is unknown (expected an IANA zone name such as Europe/Berlin or UTC)`;
  }
}

function expressionShapeProblem(expression: string): string | null {
  if (expression.length > MAX_EXPRESSION_LENGTH) return `longer than ${MAX_EXPRESSION_LENGTH} characters`;
  if (/[\u0000-\u001f\u007f]/.test(expression)) return 'contains a control character';
  const trimmed = expression.trim();
  if (trimmed.startsWith('@')) {
    return NICKNAMES.has(trimmed.toLowerCase()) ? null : `unknown nickname (use one of ${[...NICKNAMES].join(', ')})`;
  }
  const fields = trimmed === '' ? 0 : trimmed.split(/\s+/).length;
  if (fields !== 5) return `has ${fields} fields, expected 5 (minute hour day-of-month month day-of-week)`;
  return null;
}

function compile(expression: string, timezone: string): Cron {
  try {
    // paused and without a callback: croner only evaluates dates, it arms no timer.
    return new Cron(normalized(expression), { paused: true, mode: '5-part', timezone });
  } catch (error) {
    throw new CronExpressionError(expression, cronerReason(error));
  }
}

/** croner prefixes its messages with its class name; the reason alone reads better after the expression. */
function normalized(expression: string): string {
  const trimmed = expression.trim();
  return trimmed.startsWith('@') ? trimmed.toLowerCase() : trimmed;
}

function cronerReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const reason = message.replace(/^Cron(Pattern|Date)?:\s*/, '');
  return reason.charAt(0).toLowerCase() + reason.slice(1);
}
