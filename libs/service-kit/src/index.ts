export * from './health.js';
export * from './kit.module.js';
export * from './processor-host.js';
export * from './redact.js';
export * from './run-jarvis.js';
export * from './tokens.js';
export * from './processor-module.js';
export * from './command-line.js';
