export * from './event-mapping.js';
export * from './kurrentdb-event-log.js';
export * from './kurrentdb-connection.js';
