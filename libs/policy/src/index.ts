export * from './decide-remediation.js';
export * from './policy-rules.js';
export * from './policy-state.js';
export * from './trigger.js';
export * from './policy-sweep.js';
export * from './remediation-choice.js';
