export * from './action-registry.js';
export * from './remediation-action.js';
export * from './restart-container.js';
