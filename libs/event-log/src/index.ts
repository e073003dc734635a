export * from './event-log.js';
export * from './event-processor.js';
export * from './jetstream-event-log.js';
