export * from './admin-client.js';
export * from './allowed-file.js';
export * from './command-runner.js';
export * from './local-caddy.js';
export * from './upstream-reach.js';
