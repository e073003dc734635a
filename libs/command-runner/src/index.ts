export * from './command-argument.js';
export * from './command-runner.js';
export * from './program-whitelist.js';
export * from './secret-redactor.js';
