export * from './admin-client.js';
export * from './allowed-file.js';
export * from './caddy-program.js';
export * from './local-caddy.js';
export * from './upstream-reach.js';
