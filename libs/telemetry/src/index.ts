export * from './names.js';
export * from './tracing.js';
