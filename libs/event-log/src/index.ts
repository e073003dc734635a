export * from './applied-sequences.js';
export * from './event-log.js';
export * from './event-processor.js';
export * from './jetstream-event-log.js';
export * from './redelivery-escalation.js';
export * from './snapshot-codec.js';
export * from './snapshot-store.js';
export * from './store-configuration.js';
