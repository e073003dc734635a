export * from './cron-schedule.js';
export * from './due-runs.js';
export * from './hysteresis.js';
export * from './manual-clock.js';
export * from './probe.js';
export * from './probe-scheduler.js';
export * from './probe-once.js';
