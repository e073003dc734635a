export * from './incident-metrics.js';
export * from './incident-projection.js';
export * from './incident-summary.js';
export * from './incident-timeline.js';
export * from './case-steps.js';
export * from './reliability-book.js';
export * from './reliability-report.js';
export * from './correlation.js';
