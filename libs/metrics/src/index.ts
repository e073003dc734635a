export * from './case-book.js';
export * from './jarvis-metrics.js';
export * from './metered-event-log.js';
export * from './metrics-server.js';
export * from './names.js';
export * from './observations.js';
export * from './reliability-gauges.js';
export * from './store-probe.js';
