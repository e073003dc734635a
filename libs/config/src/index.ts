export * from './jarvis-config.js';
export * from './load-config.js';
export * from './closest-name.js';
