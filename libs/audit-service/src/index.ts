export * from './audit.module.js';
export * from './audit.processor.js';
