import type { ReliabilityReply } from '@jarvis/contracts';

/** A reliability report with a value for every figure (five cases, one action type with samples, one without). */
export function reliabilityReplyFixture(overrides: Partial<ReliabilityReply> = {}): ReliabilityReply {
  return {
    at: '2026-11-01T00:00:00.000Z',
    mttd: { all: { samples: 3, p50Ms: 2_000, p95Ms: 9_000 }, byCheck: { container_state: { samples: 3, p50Ms: 2_000, p95Ms: 9_000 }, disk_usage: { samples: 0, p50Ms: null, p95Ms: null } } },
    mttr: {
      all: { samples: 2, p50Ms: 30_000, p95Ms: 60_000 },
      byCheck: { container_state: { samples: 2, p50Ms: 30_000, p95Ms: 60_000 } },
      byActionType: { restart_container: { samples: 2, p50Ms: 30_000, p95Ms: 60_000 } },
    },
    incidents: { detected: 5, open: 1, remediated: 2, remediatedWithoutPerson: 1, recovered: 1, withdrawn: 0, escalated: 1 },
    autonomousFixRate: 1 / 3,
    actionsExecuted: { last24h: 1, last7d: 3, last30d: 4 },
    actionTypes: { restart_container: { succeeded: 3, failed: 1, successRate: 0.75, minutesSavedEach: 15, minutesSaved: 45 }, clean_tmp_files: { succeeded: 0, failed: 0, successRate: null, minutesSavedEach: 10, minutesSaved: 0 } },
    minutesSaved: 45,
    ...overrides,
  };
}
