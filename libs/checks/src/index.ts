export * from './check.js';
export * from './check-registry.js';
export * from './container-runtime.js';
export * from './container-state-check.js';
export * from './container-verification.js';
export * from './watch-selector.js';
