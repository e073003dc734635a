export * from './endpoint-config.js';
export * from './expected-status.js';
export * from './jarvis-config.js';
export * from './load-config.js';
