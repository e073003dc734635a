/** The command line without the services: what a binary needs before it knows which command runs. */
export * from './command-help.js';
export * from './command-line.js';
export * from './command-table.js';
export * from './start-command.js';
export * from './approval-commands.js';
export * from './incident-commands.js';
export * from './audit-tail-command.js';
export * from './audit-verify-command.js';
export * from './audit-export-command.js';
