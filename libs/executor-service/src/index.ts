export * from './executor.module.js';
export * from './executor.processor.js';
export * from './executor-state.js';
