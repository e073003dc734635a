export * from './container-events.js';
export * from './docker-call.js';
export * from './docker-connection.js';
export * from './dockerode-runtime.js';
export * from './engine-container-event-view.js';
