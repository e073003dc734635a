export * from './disk-config.js';
export * from './endpoint-config.js';
export * from './expected-status.js';
export * from './jarvis-config.js';
export * from './load-config.js';
export * from './maintenance-config.js';
export * from './remediation-config.js';
