export * from './policy.module.js';
export * from './policy.processor.js';
