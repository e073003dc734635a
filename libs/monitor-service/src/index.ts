export * from './monitor.module.js';
export * from './monitor.processor.js';
export * from './monitor-state.js';
export * from './reconcile-outcome.js';
