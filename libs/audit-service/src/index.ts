export * from './audit.module.js';
export * from './audit.processor.js';
export * from './audit-replay.js';
