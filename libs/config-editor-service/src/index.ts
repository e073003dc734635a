export * from './apply-guards.js';
export * from './apply-request.js';
export * from './config-edit-steps.js';
export * from './config-editor.module.js';
export * from './config-editor.processor.js';
export * from './edit-events.js';
export * from './editor-state.js';
export * from './ddclient-edit-validator.js';
