export * from './config-editor.module.js';
export * from './config-editor.processor.js';
