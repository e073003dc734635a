export * from './jarvis-config.js';
export * from './load-config.js';
export * from './closest-name.js';
export { CONFIG_SCHEMA_FILE, configSchemaJson } from './config-schema.js';
export { Describe } from './config-description.js';
