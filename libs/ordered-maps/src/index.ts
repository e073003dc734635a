export * from './oldest-first.js';
