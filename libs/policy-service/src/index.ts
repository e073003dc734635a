export * from './policy.module.js';
export * from './policy.processor.js';
export * from './approval-diffs.js';
export * from './remediation-chooser.js';
