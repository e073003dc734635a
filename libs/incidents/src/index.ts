export * from './incident-metrics.js';
export * from './incident-projection.js';
