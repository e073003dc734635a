export * from './audit-checkpointer.js';
export * from './checkpoint-stream.js';
export * from './raw-event-readers.js';
export * from './verify-event-chain.js';
export * from './audit-key.js';
