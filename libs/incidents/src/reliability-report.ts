import type { ActionTypeView, PercentilesView, ReliabilityReply } from '@jarvis/contracts';
import { percentile } from './incident-metrics.js';
import type { ReliabilityBook } from './reliability-book.js';

const HOUR_MS = 3_600_000;

/** Minutes of a person's time one successful action of each type stands for; `defaultMinutes` for the others. */
export type TimeSavedEstimates = { minutesByAction: ReadonlyMap<string, number>; defaultMinutes: number };

export function reliabilityReport(book: ReliabilityBook, now: Date, estimates: TimeSavedEstimates): ReliabilityReply {
  const nowMs = now.getTime();
  const actionTypes = Object.fromEntries([...book.actions].sort(([a], [b]) => a.localeCompare(b)).map(([action, tally]) => [action, actionTypeView(action, tally, estimates)]));
  const needingFix = book.cases.remediated + book.cases.escalated;
  return {
    at: now.toISOString(),
    mttd: { all: percentilesOf([...book.mttdMsByCheck.values()].flat()), byCheck: percentilesByKey(book.mttdMsByCheck) },
    mttr: {
      all: percentilesOf([...book.mttrMsByCheck.values()].flat()),
      byCheck: percentilesByKey(book.mttrMsByCheck),
      byActionType: percentilesByKey(book.mttrMsByAction),
    },
    incidents: {
      detected: book.cases.detected,
      open: book.open.size,
      remediated: book.cases.remediated,
      remediatedWithoutPerson: book.cases.remediatedAlone,
      recovered: book.cases.recovered,
      withdrawn: book.cases.withdrawn,
      escalated: book.cases.escalated,
    },
    autonomousFixRate: needingFix === 0 ? null : book.cases.remediatedAlone / needingFix,
    actionsExecuted: {
      last24h: countSince(book, nowMs - 24 * HOUR_MS),
      last7d: countSince(book, nowMs - 7 * 24 * HOUR_MS),
      last30d: countSince(book, nowMs - 30 * 24 * HOUR_MS),
    },
    actionTypes,
    minutesSaved: Object.values(actionTypes).reduce((sum, view) => sum + view.minutesSaved, 0),
  };
}

function actionTypeView(action: string, tally: { succeeded: number; failed: number }, estimates: TimeSavedEstimates): ActionTypeView {
  const total = tally.succeeded + tally.failed;
  const minutesSavedEach = estimates.minutesByAction.get(action) ?? estimates.defaultMinutes;
  return { ...tally, successRate: total === 0 ? null : tally.succeeded / total, minutesSavedEach, minutesSaved: tally.succeeded * minutesSavedEach };
}

function percentilesOf(samples: number[]): PercentilesView {
  return { samples: samples.length, p50Ms: percentile(samples, 50), p95Ms: percentile(samples, 95) };
}

function percentilesByKey(samples: ReadonlyMap<string, number[]>): Record<string, PercentilesView> {
  return Object.fromEntries([...samples].sort(([a], [b]) => a.localeCompare(b)).map(([key, values]) => [key, percentilesOf(values)]));
}

function countSince(book: ReliabilityBook, fromMs: number): number {
  return book.recentActions.filter((a) => a.atMs >= fromMs).length;
}
