export * from './chain-link.js';
export * from './chain-verifier.js';
export * from './checkpoint.js';
export * from './checkpoint-cutter.js';
export * from './checkpoint-trail.js';
