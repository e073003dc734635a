export * from './decide-remediation.js';
export * from './policy-rules.js';
export * from './policy-state.js';
export * from './trigger.js';
export * from './policy-sweep.js';
export * from './remediation-choice.js';
export * from './approval-events.js';
export * from './decide-approval.js';
