export * from './identities.js';
export * from './server-config.js';
export * from './event-docs.js';
