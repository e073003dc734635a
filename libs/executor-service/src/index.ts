export * from './append-patiently.js';
export * from './decision-guards.js';
export * from './executor.module.js';
export * from './executor.processor.js';
export * from './executor-state.js';
export * from './component-restarts.js';
export * from './nats-config-apply.js';
